"""The architecture as tests (issue #18): export → ingest → sql → analytics → ui.

Each rule is checked on the real tree, and each checker is also run on a small planted tree
that breaks the rule, so a checker that stopped seeing anything would fail here too.
tests/ and bench/ drive the app through streamlit.testing and clear its caches: they are the
harness, not the app, and are left out of the streamlit and cache rules.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from analytics import settings

ROOT = settings.ROOT
HARNESS = ("tests", "bench")
MAX_PAGE_LINES = 80
CACHE = re.compile(r"\b(cache_data|cache_resource|experimental_memo|experimental_singleton)\b"
                   r"|\bst\.cache\b")


def app_files(root: Path) -> list[Path]:
    """The app's Python files: app.py and every package below the root but the harness."""
    return sorted(p for p in root.rglob("*.py")
                  if p.relative_to(root).parts[0] not in HARNESS + (".git",)
                  and ".venv" not in p.parts and "__pycache__" not in p.parts)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, name: str, is_package: bool) -> list[tuple[str, ...]]:
    """Every import in `tree` (module level and inside functions), absolute: per imported name,
    the modules it may be, most specific first (`from a import b` is the module a.b if there
    is one, else the name b of module a)."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name,) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: from the package, up level - 1
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".") if base else anchor
            found += [(f"{base}.{alias.name}", base) for alias in node.names]
    return found


def import_graph(root: Path, packages=("analytics", "ui")) -> dict[str, set[str]]:
    """module → the modules of `packages` it imports."""
    paths = {module_name(root, p): p for p in app_files(root)
             if p.relative_to(root).parts[0] in packages}
    graph = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = (next((m for m in options if m in paths), None)
                   for options in imported(tree, name, path.name == "__init__.py"))
        graph[name] = {m for m in targets if m is not None and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def package_graph(root: Path) -> dict[str, set[str]]:
    """analytics/ package → the analytics/ packages it imports: the subject packages
    (`analytics.spikes`, `analytics.ingest`, ...) and the top-level modules as one, `analytics`."""
    def package(module: str) -> str:
        parts = module.split(".")
        if len(parts) > 2 or (len(parts) == 2 and (root / "analytics" / parts[1]).is_dir()):
            return ".".join(parts[:2])
        return "analytics"

    graph: dict[str, set[str]] = {}
    for module, targets in import_graph(root, ("analytics",)).items():
        graph.setdefault(package(module), set()).update(
            package(t) for t in targets if package(t) != package(module))
    return graph


def streamlit_importers(root: Path) -> list[str]:
    """App files outside ui/ and app.py that import streamlit."""
    allowed = lambda p: p.relative_to(root).parts[0] == "ui" or p == root / "app.py"  # noqa: E731
    return [str(p.relative_to(root)) for p in app_files(root) if not allowed(p) and any(
        options[-1].partition(".")[0] == "streamlit"
        for options in imported(ast.parse(p.read_text(encoding="utf-8")), "", False))]


def cache_users(root: Path) -> list[str]:
    """App files other than ui/data.py that name a Streamlit cache."""
    return [str(p.relative_to(root)) for p in app_files(root)
            if p != root / "ui" / "data.py" and CACHE.search(p.read_text(encoding="utf-8"))]


def long_pages(root: Path) -> dict[str, int]:
    counts = {str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines())
              for p in (root / "ui" / "pages").glob("*.py")}
    return {name: n for name, n in counts.items() if n > MAX_PAGE_LINES}


def plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


# (a) Streamlit treats a pages/ folder beside the entry point as an old-style multipage app and
# lists every file in it before st.navigation runs; a deep link after a restart then fails.
def test_no_pages_folder_beside_app_py_and_every_routed_page_exists():
    assert not (ROOT / "pages").exists()
    routed = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert routed and all(page.startswith("ui/pages/") for page in routed), routed
    assert [p for p in routed if not (ROOT / p).is_file()] == []


# (b) the Streamlit layer is ui/ and app.py; analytics/ stays pure and testable without it.
def test_only_ui_and_app_py_import_streamlit(tmp_path):
    assert streamlit_importers(ROOT) == []
    planted = plant(tmp_path, {
        "app.py": "import streamlit as st\n", "ui/x.py": "import streamlit\n",
        "analytics/kpis.py": "def f():\n    from streamlit import cache_data\n"})
    assert streamlit_importers(planted) == ["analytics/kpis.py"]


# (c) no import cycle among analytics/ and ui/ modules, module-level or inside functions.
def test_no_import_cycle_among_analytics_and_ui():
    graph = import_graph(ROOT)
    assert "analytics.views" in graph["ui.data"] and "ui.data" in graph["ui.widgets"]
    assert "analytics.demo.load" in graph["ui.data"]   # a function-level import is an edge
    assert cycles(graph) == []


def test_the_cycle_check_sees_a_cycle_through_a_function_level_and_a_relative_import(tmp_path):
    planted = plant(tmp_path, {
        "analytics/__init__.py": "", "analytics/a.py": "from analytics import b\n",
        "analytics/b.py": "def f():\n    from .c import g\n",
        "analytics/c.py": "import analytics.a\n",
        "ui/__init__.py": "", "ui/d.py": "from analytics.a import x\n"})
    assert cycles(import_graph(planted)) == [["analytics.a", "analytics.b", "analytics.c"]]


# (c') nor among the analytics/ packages: the layers of the architecture (ingest below the
# subject packages, the top-level modules below all) import one way only. A cycle of modules
# across two packages (ingest.cli -> demo.dataset, demo.load -> ingest) is not a module cycle.
def test_no_import_cycle_among_analytics_packages(tmp_path):
    graph = package_graph(ROOT)
    assert "analytics.ingest" in graph["analytics.demo"] and "analytics" in graph["analytics.ingest"]
    assert cycles(graph) == []
    assert "analytics.spikes" not in graph["analytics"]   # the top-level modules are the bottom
    planted = plant(tmp_path, {
        "analytics/__init__.py": "", "analytics/db.py": "",
        "analytics/ingest/__init__.py": "",
        "analytics/ingest/cli.py": "from analytics.demo import m\n",
        "analytics/demo/__init__.py": "", "analytics/demo/m.py": "",
        "analytics/demo/load.py": "def f():\n    from analytics.ingest import cli\n"})
    assert cycles(import_graph(planted)) == []   # no module cycle ...
    assert cycles(package_graph(planted)) == [["analytics.demo", "analytics.ingest"]]   # a package one


# (d) page scripts are widgets in, one call, render out.
def test_every_page_script_is_at_most_80_lines(tmp_path):
    assert long_pages(ROOT) == {}
    planted = plant(tmp_path, {"ui/pages/short.py": "x = 1\n" * 80,
                               "ui/pages/long.py": "x = 1\n" * 81})
    assert long_pages(planted) == {"ui/pages/long.py": 81}


# (e) one module owns caching, so every cache is keyed on the data version the same way.
def test_streamlit_caches_appear_only_in_ui_data(tmp_path):
    assert cache_users(ROOT) == []
    planted = plant(tmp_path, {"ui/data.py": "@st.cache_data\ndef f(): ...\n",
                               "ui/pages/p.py": "@st.cache_resource\ndef g(): ...\n",
                               "ui/w.py": "st.cache_data.clear()\n"})
    assert cache_users(planted) == ["ui/pages/p.py", "ui/w.py"]
