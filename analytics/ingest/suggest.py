"""Help a person map a new export: what the headers say, and what ended in quarantine.

`suggest_mapping` reads only the headers (and the format), so it is instant on any file size.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics import contract, db
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import pipeline, store


def _fits(headers: list[str], path: Path) -> bool:
    """Whether every source column a shipped mapping names is in the file."""
    try:
        the_mapping = mapping_mod.load_mapping(path)
    except ValueError:
        return False
    sources = {s for srcs in the_mapping.columns.values() for s in srcs}
    return bool(sources) and sources <= set(headers)


def suggest_mapping(path, *, file_name: str | None = None) -> dict:
    """What the file's headers map to without a mapping, and what a mapping should add.

    Keys: file_name, format, headers, kind (guessed, may be None), recognised (canonical ->
    header), suggested (header -> canonical, by alias), unknown (headers used by neither),
    missing_required (canonical columns nothing feeds), mappings (shipped mapping files whose
    columns all exist in this file). Raises IngestError when the file cannot be read.
    """
    path = Path(path)
    name = file_name or path.name
    table = pipeline.open_export(path, mapping_mod.Mapping(), name)
    headers = table.headers
    kind = mapping_mod.guess_kind(headers)
    recognised = {c: s[0] for c, s in mapping_mod.resolve_columns(
        headers, kind, mapping_mod.Mapping()).items()} if kind else {}
    suggested = mapping_mod.alias_suggestions(headers, kind)
    used = set(recognised.values()) | set(suggested)
    covered = set(recognised) | set(suggested.values())
    required = [c.name for c in contract.TABLES[kind] if c.required] if kind else []
    return {"file_name": name, "format": table.description, "headers": headers, "kind": kind,
            "recognised": recognised, "suggested": suggested,
            "unknown": [h for h in headers if h not in used],
            "missing_required": [c for c in required if c not in covered],
            "mappings": [p.name for p in mapping_mod.list_mappings() if _fits(headers, p)]}


def rejected_rows(ingest_id: int, db_path=None) -> pd.DataFrame:
    """One ingest's quarantined rows (row_number, column_name, value, reason, raw_record, ...)."""
    with db.reader(db_path) as con:
        return store.rejected_rows(con, int(ingest_id))
