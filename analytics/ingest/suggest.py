"""Help a person map a new export: what the headers say, and what ended in quarantine.

`suggest_mapping` reads only the headers (and the format), so it is instant on any file size.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics import contract, db
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import pipeline, store
from analytics.ingest.plan import decide_kind, make_plan
from analytics.ingest.validate import validate_batch


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


SAMPLE_ROWS = 50_000   # rows read for suggestions and distinct values (the first batch or less)


def _first_rows(table, rows: int, name: str) -> pd.DataFrame:
    """The first `rows` data rows (an empty frame with the headers for a file without any)."""
    batches = pipeline._guarded(table.batches, name)
    try:
        first = next(batches, None)
    finally:
        batches.close()
    if first is None:
        return pd.DataFrame(columns=table.headers)
    return first.head(rows)


def read_sample(path, *, file_name: str | None = None, rows: int = SAMPLE_ROWS) -> tuple[list[str], pd.DataFrame]:
    """(headers, the first rows as read) of an export: what mapping suggestions look at."""
    path = Path(path)
    name = file_name or path.name
    table = pipeline.open_export(path, mapping_mod.Mapping(), name)
    return table.headers, _first_rows(table, rows, name)


def value_counts(path, headers: list[str], *, file_name: str | None = None) -> dict[str, pd.Series]:
    """How often each value of each of `headers` occurs in the whole file (stripped text, empty
    values left out), most frequent first: the value maps list every value, not only those
    of the first rows. One pass over the file."""
    path = Path(path)
    name = file_name or path.name
    table = pipeline.open_export(path, mapping_mod.Mapping(), name)
    counts = {h: pd.Series(dtype="int64") for h in headers}
    for batch in pipeline._guarded(table.batches, name):
        for header in headers:
            text = batch[header].dropna().astype("str").str.strip()
            counts[header] = counts[header].add(text[text.ne("")].value_counts(), fill_value=0)
    return {h: c.astype("int64").sort_values(ascending=False, kind="stable") for h, c in counts.items()}


def preview(path, the_mapping: mapping_mod.Mapping, *, kind: str | None = None,
            file_name: str | None = None, rows: int = 20) -> dict:
    """The first `rows` rows as the ingest would load them with `the_mapping`, through the
    ingest's own plan and validation (no database is touched).

    Keys: kind, loaded (valid rows, canonical columns the file feeds, with row_number),
    problems (row_number, column_name, value, problem of the rejected ones), messages (the
    ingest's messages about columns). Raises IngestError as the ingest would."""
    path = Path(path)
    name = file_name or path.name
    table = pipeline.open_export(path, the_mapping, name)
    kind = decide_kind(kind, the_mapping, table.headers, name)
    plan, messages = make_plan(kind, the_mapping, table, name)
    valid, problems = validate_batch(_first_rows(table, rows, name), plan)
    fed = [c for c in contract.column_names(kind) if c in plan.sources or c in the_mapping.constants]
    derived = [c for c in valid.columns if c.endswith("_date") and c not in fed]
    return {"kind": kind, "loaded": valid[["row_number", *fed, *derived]],
            "problems": problems[["row_number", "column_name", "value", "problem"]]
            .sort_values("row_number", kind="stable").reset_index(drop=True),
            "messages": messages}


def rejected_rows(ingest_id: int, db_path=None) -> pd.DataFrame:
    """One ingest's quarantined rows (row_number, column_name, value, reason, raw_record, ...)."""
    with db.reader(db_path) as con:
        return store.rejected_rows(con, int(ingest_id))
