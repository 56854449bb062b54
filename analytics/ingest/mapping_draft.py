"""A mapping being written on the Data page: the person's choices as a `Draft`, its TOML text
(the format docs/mappings.md describes, read back by `mapping.parse_mapping` exactly as the CLI
reads a file), and saving it where the page and `python -m analytics ingest --mapping` find it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from analytics.ingest import mapping as mapping_mod
from analytics.ingest.mapping_suggest import ISO, Suggestion

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}")


@dataclass
class Draft:
    """canonical -> source header; a strptime format or ISO; zone names; value maps
    (canonical -> {source value: canonical value, '' = missing})."""
    kind: str = "cases"
    columns: dict[str, str] = field(default_factory=dict)
    timestamp_format: str = ISO
    time_zone: str = "UTC"
    market_time_zone: str = "UTC"
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    null_values: tuple[str, ...] = ()


def from_suggestion(found: Suggestion) -> Draft:
    """The suggestion as a draft: only the value maps a word recognised."""
    return Draft(found.kind, dict(found.columns), found.timestamp_format, found.time_zone,
                 found.time_zone, {c: {v: t for v, t in table.items() if t is not None}
                                   for c, table in found.values.items()}, found.null_values)


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(value), ensure_ascii=False)


def to_toml(draft: Draft, *, comment: str = "") -> str:
    """The draft as a mapping file.

    >>> print(to_toml(Draft(columns={"case_id": 'Ticket "ID"', "status": "Статус"},
    ...                     values={"status": {"Открыт": "open"}})))
    kind = "cases"
    time_zone = "UTC"
    market_time_zone = "UTC"
    <BLANKLINE>
    [columns]
    case_id = "Ticket \\"ID\\""
    status = "Статус"
    <BLANKLINE>
    [values.status]
    "Открыт" = "open"
    <BLANKLINE>
    """
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += [f"kind = {_string(draft.kind)}", f"time_zone = {_string(draft.time_zone)}",
              f"market_time_zone = {_string(draft.market_time_zone)}"]
    if draft.timestamp_format != ISO:
        lines.append(f"timestamp_format = {_string(draft.timestamp_format)}")
    if draft.null_values:
        lines.append(f"null_values = [{', '.join(_string(v) for v in draft.null_values)}]")
    lines += ["", "[columns]"] + [f"{column} = {_string(header)}"
                                  for column, header in draft.columns.items() if header]
    for column, table in draft.values.items():
        if table and column in draft.columns:
            lines += ["", f"[values.{column}]"]
            lines += [f"{_string(source)} = {_string(target)}" for source, target in table.items()]
    return "\n".join(lines) + "\n"


def check(draft: Draft, name: str = "draft.toml") -> mapping_mod.Mapping:
    """The draft read back as the CLI reads a mapping file (a ValueError says what is wrong)."""
    return mapping_mod.parse_mapping(to_toml(draft), name)


def saved_mappings_dir(db_path) -> Path:
    """Where the Data page saves mappings: `mappings/` beside the database (for the default
    database, data/mappings/ itself, so `--mapping NAME` finds them)."""
    return Path(db_path).parent / "mappings"


def save(draft: Draft, folder: Path, name: str, *, replace: bool = False,
         comment: str = "") -> Path:
    """Write the draft as `<folder>/<name>.toml`; a ValueError for a name that is not
    letters, digits, '-' and '_', a file that exists (unless `replace`) or a draft that does
    not read back."""
    if not NAME.fullmatch(name or ""):
        raise ValueError(f"mapping name {name!r}: use letters, digits, '-' and '_' "
                         "(at most 60), starting with a letter or digit")
    path = Path(folder) / f"{name}.toml"
    if path.exists() and not replace:
        raise ValueError(f"a mapping named {name} already exists ({path}); choose another name "
                         "or replace it")
    text = to_toml(draft, comment=comment)
    mapping_mod.parse_mapping(text, path.name)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:   # a lone surrogate, as JSON Lines may carry
        raise ValueError(f"mapping {name}: a name or value is not valid Unicode "
                         f"({exc.object[exc.start:exc.end]!r}); leave it out") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
