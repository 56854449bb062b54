"""Mapping files (data/mappings/*.toml) and header recognition: which source column feeds which
canonical column, how its values are read. docs/mappings.md documents the format.

Without a mapping only canonical headers are recognised (`Case ID` and `case_id` both are);
common aliases (`Created Date`, `opened_at`) are suggested, never applied silently, because a
guessed column that is wrong (a `vendor` column that is mostly empty) is worse than a clear message.
"""
from __future__ import annotations

import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from analytics import contract, settings

MAPPINGS_DIR = settings.ROOT / "data" / "mappings"
KINDS = ("cases", "reviews")

# normalised alias -> canonical column; suggested by `suggest_mapping`, never applied silently.
ALIASES: dict[str, str] = {
    "id": "case_id", "number": "case_id", "ticket_id": "case_id", "incident_id": "case_id",
    "unique_key": "case_id", "case_number": "case_id", "case": "case_id",
    "created_date": "created_at", "opened_at": "created_at", "created": "created_at",
    "opened": "created_at", "open_date": "created_at", "created_time": "created_at",
    "sys_updated_at": "updated_at", "last_updated": "updated_at", "modified_at": "updated_at",
    "updated": "updated_at", "last_modified": "updated_at",
    "closed_date": "resolved_at", "closed_at": "resolved_at", "resolution_date": "resolved_at",
    "resolved": "resolved_at", "due_date": "sla_due_at", "sla_due": "sla_due_at",
    "state": "status", "incident_state": "status", "country": "market", "borough": "market",
    "location": "market", "category": "abuse_category", "complaint_type": "abuse_category",
    "channel": "source", "contact_type": "source", "agency": "vendor", "assignment_group": "vendor",
    "team": "vendor", "descriptor": "summary", "description": "summary", "made_sla": "is_sla_met",
    "reviewer": "reviewer_id", "decision_at": "decided_at", "reviewed_at": "decided_at",
}


@dataclass(frozen=True)
class Mapping:
    """How to read one export; every field has a neutral default, so `Mapping()` means none."""
    name: str | None = None
    kind: str | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> sources
    constants: dict[str, str] = field(default_factory=dict)
    timestamp_format: tuple[str, ...] = ()
    timestamp_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    time_zone: str = "UTC"
    market_time_zone: str = "UTC"
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # lower-cased source keys
    null_values: tuple[str, ...] = ()
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    recognise_headers: bool = True

    def formats_for(self, column: str) -> tuple[str, ...]:
        return self.timestamp_formats.get(column, self.timestamp_format)


def _strings(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping TOML; a ValueError names the file and the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise ValueError(f"mapping {path.name}: {exc}") from None
    return parse_mapping(text, path.name)


def parse_mapping(text: str, name: str) -> Mapping:
    """Check a mapping's TOML text (what `load_mapping` reads from a file, the Data page's
    mapping editor from its draft); a ValueError names `name` and the problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"mapping {name}: {exc}") from None
    kind = raw.get("kind")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"mapping {name}: kind must be one of {KINDS}, not {kind!r}")
    for key in ("time_zone", "market_time_zone"):
        if not _is_zone(raw.get(key, "UTC")):
            raise ValueError(f"mapping {name}: {key} {raw.get(key)!r} is not a time zone name "
                             "(IANA, such as Asia/Almaty or Etc/GMT-5 for UTC+5)")
    known = set(contract.column_names(kind)) if kind else set(contract.column_names("cases")) | set(
        contract.column_names("reviews"))
    for table in ("columns", "constants", "timestamp_formats", "values"):
        unknown = set(raw.get(table, {})) - known
        if unknown:
            raise ValueError(f"mapping {name}: [{table}] names unknown canonical column(s) "
                             f"{sorted(unknown)}; canonical columns: {sorted(known)}")
    return Mapping(
        name=name, kind=kind,
        columns={k: _strings(v) for k, v in raw.get("columns", {}).items()},
        constants={k: str(v) for k, v in raw.get("constants", {}).items()},
        timestamp_format=_strings(raw.get("timestamp_format", ())),
        timestamp_formats={k: _strings(v) for k, v in raw.get("timestamp_formats", {}).items()},
        time_zone=raw.get("time_zone", "UTC"), market_time_zone=raw.get("market_time_zone", "UTC"),
        values={col: {str(k).strip().lower(): str(v) for k, v in table.items()}
                for col, table in raw.get("values", {}).items()},
        null_values=_strings(raw.get("null_values", ())),
        true_values=_strings(raw.get("true_values", ())),
        false_values=_strings(raw.get("false_values", ())),
        encoding=raw.get("encoding"), delimiter=raw.get("delimiter"),
        recognise_headers=bool(raw.get("recognise_headers", True)))


def _is_zone(value) -> bool:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def list_mappings() -> list[Path]:
    """The mapping files shipped in data/mappings/, sorted by name."""
    return sorted(MAPPINGS_DIR.glob("*.toml"))


def resolve_mapping(value: str | Path | None) -> Path | None:
    """A mapping path; a bare name such as `nyc311` means data/mappings/nyc311.toml (the ingest
    CLI's and the lake import's --mapping)."""
    if value is None or Path(value).is_file():
        return Path(value) if value else None
    value = str(value)
    shipped = MAPPINGS_DIR / (value if value.endswith(".toml") else f"{value}.toml")
    return shipped if shipped.is_file() else Path(value)


def normalise_header(header: str) -> str:
    """`' Created Date '` -> `created_date`: how headers are compared with canonical names."""
    return re.sub(r"[^0-9a-z]+", "_", str(header).lstrip("\ufeff").strip().lower()).strip("_")


def guess_kind(headers: list[str]) -> str | None:
    """`cases` or `reviews` from the headers, or None when they do not tell."""
    names = {normalise_header(h) for h in headers}
    names |= {ALIASES[n] for n in names if n in ALIASES}
    if "review_id" in names or ("decided_at" in names and "created_at" not in names):
        return "reviews"
    if "case_id" in names or "created_at" in names:
        return "cases"
    return None


def resolve_columns(headers: list[str], kind: str, mapping: Mapping) -> dict[str, tuple[str, ...]]:
    """Canonical column -> source headers (first non-empty wins). The mapping wins over headers."""
    by_norm = {normalise_header(h): h for h in headers}
    resolved = {c: s for c, s in mapping.columns.items() if c in contract.column_names(kind)}
    used = {s for sources in resolved.values() for s in sources}
    if mapping.recognise_headers:
        for column in contract.column_names(kind):
            header = by_norm.get(column)
            taken = column in resolved or column in mapping.constants or header in used
            if header is not None and not taken:
                resolved[column] = (header,)
    return resolved


def missing_sources(headers: list[str], resolved: dict[str, tuple[str, ...]]) -> list[str]:
    """Mapped source headers that the file does not have."""
    present = set(headers)
    return [s for sources in resolved.values() for s in sources if s not in present]


def alias_suggestions(headers: list[str], kind: str | None) -> dict[str, str]:
    """Source header -> canonical column it probably is, for headers that are not canonical."""
    canonical = set(contract.column_names(kind)) if kind else set(ALIASES.values())
    out = {}
    for header in headers:
        target = ALIASES.get(normalise_header(header))
        if target in canonical and normalise_header(header) not in canonical:
            out[header] = target
    return out
