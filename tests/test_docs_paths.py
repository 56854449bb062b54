"""Docs that stay true (#18 point 7): every path, module and command that README.md,
DEVELOPERS.md, BENCHMARKS.md and docs/*.md name exists in the checkout.

Checked: code spans and link targets that name a project path (`analytics/...`, `sql/...`,
`ui/pages/...`, `bench/x.py`, `tests/...`, `data/...`, `docs/...`), a path plus `.attribute`
(`ui/data.detection`: the module exists and defines it), SQL names without `.sql`
(`marts/daily_volume`, `sql/derived/40`: a file of that stem or number), bare file names
(`payloads.py`: some file in the tree has that name), every `python -m analytics COMMAND` and
every script a command runs (`python bench/x.py`). Not checked: files the app makes (databases,
`.streamlit/secrets.toml`), placeholders (`NAME`, `<db>`, globs), paths outside the checkout.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from analytics import settings
from analytics.__main__ import COMMANDS

ROOT = settings.ROOT
DOCS = [ROOT / "README.md", ROOT / "DEVELOPERS.md", ROOT / "BENCHMARKS.md",
        *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("analytics", "ui", "sql", "bench", "tests", "data", "docs", "tools", ".ci", ".streamlit",
       "pages")   # (a top-level pages/ is what the app must not have: README once said it did)
SQL_FOLDERS = ("marts", "staging", "derived", "fragments", "state", "session", "ingest", "schema",
               "search", "lake")
MADE_BY_THE_APP = (".duckdb", "secrets.toml", ".sqlite", ".results", ".log", ".json")
MADE_FOLDERS = ("data/cache",)   # gitignored, made at run time: absent from a clean checkout
CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s#]+)")
PATH = re.compile(r"^\.?[\w.\-]+(?:/[\w.\-]*)*$")
CLI = re.compile(r"python -m analytics ([a-z][\w-]*)")
SCRIPT = re.compile(r"python3? ((?:bench|tools|tests)/[\w/.\-]+\.py)")


@lru_cache(maxsize=1)
def file_names() -> frozenset[str]:
    return frozenset(p.name for folder in TOP if (ROOT / folder).exists()
                     for p in (ROOT / folder).rglob("*") if p.is_file()) | {"app.py", "pytest.ini"}


def _defines(module: Path, name: str) -> bool:
    text = module.read_text(encoding="utf-8")
    return re.search(rf"^\s*(?:async def|def|class)\s+{name}\b|^{name}\b\s*[:=]", text, re.M) is not None


def exists(token: str) -> bool:
    """Whether a project path, module attribute, SQL name or file name that a doc names exists."""
    token = token.rstrip("/.,:;")
    if (ROOT / token).exists():
        return True
    head, _, attribute = token.rpartition(".")
    module = ROOT / f"{head}.py" if (ROOT / f"{head}.py").is_file() else ROOT / head / "__init__.py"
    if head and module.is_file() and attribute.isidentifier():
        return _defines(module, attribute)
    sql = token.removeprefix("sql/")
    if sql.split("/")[0] in SQL_FOLDERS:
        folder, _, stem = sql.rpartition("/")
        return (ROOT / "sql" / f"{sql}.sql").exists() or (ROOT / "sql" / sql).is_dir() or any(
            (ROOT / "sql" / folder).glob(f"{stem}_*.sql" if stem.isdigit() else f"{stem}.sql"))
    if "/" not in token:
        return token in file_names()
    return False


def named_paths(text: str) -> set[str]:
    """The tokens of code spans and link targets that name a project path or file."""
    words = {w.strip("()[],;:") for m in CODE.finditer(text) for w in m.group(1).split()}
    words |= {m.group(1) for m in LINK.finditer(text)}
    out = set()
    for word in words:
        if not PATH.match(word) or word.startswith(("../", "/", "~", "http")) or "*" in word:
            continue
        first = word.split("/")[0]
        if "/" in word and first not in TOP + SQL_FOLDERS + ("app.py",):
            continue   # a date, a ratio, a zone (Etc/GMT-5), a URL without scheme
        if "/" not in word and not re.search(r"\.(py|sql|md|toml|ini)$", word):
            continue
        if word.endswith(MADE_BY_THE_APP) or word.rstrip("/") in MADE_FOLDERS or re.search(r"(^|/)[A-Z]{2,}(\.|/|$)", word):
            continue   # a file the app makes; a placeholder (NAME.toml)
        out.add(word)
    return out


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_a_doc_names_exists(doc):
    text = doc.read_text(encoding="utf-8")
    missing = sorted(w for w in named_paths(text) if not exists(w))
    assert not missing, f"{doc.relative_to(ROOT)} names what does not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_command_a_doc_names_exists(doc):
    text = doc.read_text(encoding="utf-8")
    unknown = sorted({c for c in CLI.findall(text) if c not in COMMANDS})
    scripts = sorted({s for s in SCRIPT.findall(text) if not (ROOT / s).is_file()})
    assert not unknown and not scripts, (f"{doc.relative_to(ROOT)}: no `python -m analytics` "
                                         f"command {unknown}; no script {scripts}")


def test_the_checker_finds_a_stale_path():
    text = "pages in thin `pages/`, see `analytics/spike_model.py` and `sql/marts/nope.sql`"
    assert sorted(w for w in named_paths(text) if not exists(w)) == [
        "analytics/spike_model.py", "pages/", "sql/marts/nope.sql"]
    assert exists("ui/data.detection") and not exists("ui/data.no_such_thing")
    assert exists("sql/derived/40") and exists("marts/daily_volume") and exists("payloads.py")


def test_benchmarks_holds_current_figures_each_with_its_command():
    """BENCHMARKS.md is the current figures (history lives in git): short, and each table's rows
    name their command, or the table's introduction does (its 6 lines above)."""
    lines = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    bare = []
    for i, line in enumerate(lines):
        if not line.startswith("| ") or line.startswith(("| ---", "| figure")):
            continue
        start = i
        while start > 0 and lines[start - 1].startswith("|"):
            start -= 1
        introduced = any("`python" in intro for intro in lines[max(0, start - 6):start])
        if not (introduced or re.search(r"`python|\| same \||above|DEVELOPERS", line)):
            bare.append(line)
    assert not bare, bare
