"""Write one ingest into DuckDB: stage validated batches, quarantine problems, then classify,
upsert and record the run. Every function takes the writer's connection; the caller's
`db.writer` block is the transaction. SQL lives in sql/ingest/, one statement per file.
"""
from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from analytics import db, settings
from analytics.ingest import aggregates

OUTCOMES = ("inserted", "updated", "unchanged", "superseded")


def _execute(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    """Run one sql/ file to completion (DuckDB 2 wants every result consumed)."""
    return db.run_sql(con, name, **params).fetchall()


def spill_path(db_path: Path) -> Path:
    """This process's spill folder: named so db.writer's clean-up of stale `*.writing-*` files
    never meets a directory. The caller removes it after the writer block."""
    return db_path.parent / f".{db_path.name}.spill-{os.getpid()}"


DERIVED_MIN_MB = 256   # the business-clock joins fail rather than spill below this


def memory_mb() -> int:
    """DuckDB's memory cap for an ingest, in MB (setting ESCALATION_RADAR_INGEST_MEMORY_MB)."""
    return int(settings.get("ESCALATION_RADAR_INGEST_MEMORY_MB"))


def limit_memory(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Cap DuckDB's memory for this ingest (sql/ingest/limit_memory.sql) and let it spill to
    `spill_path`, so a file larger than memory still loads. Spill folders of killed ingests are
    removed here, where the writer lock is held."""
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.spill-*"):   # a name is no pattern
        shutil.rmtree(stale, ignore_errors=True)
    _execute(con, "ingest/limit_memory", memory_limit=f"{memory_mb()}MB")
    _execute(con, "ingest/insertion_order", on=False)
    _execute(con, "ingest/spill_directory", temp_directory=str(spill_path(db_path)))


def relax_memory_for_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Raise the cap before db.writer rebuilds the derived tables (sql/ingest/limit_memory.sql)."""
    _execute(con, "ingest/limit_memory", memory_limit=f"{max(memory_mb(), DERIVED_MIN_MB)}MB")
    if memory_mb() < 512:   # a small cap: one thread's buffers, not two
        _execute(con, "ingest/threads", threads=1)


def begin(con: duckdb.DuckDBPyConnection, kind: str) -> int:
    """Create the staging table for `kind` and return the new ingest's id."""
    _execute(con, f"ingest/{kind}_create_incoming")  # kind is checked against KINDS upstream
    return int(_execute(con, "ingest/next_ingest_id")[0][0])


def stage_batch(con: duckdb.DuckDBPyConnection, kind: str, valid: pd.DataFrame) -> None:
    """Append validated rows (canonical columns + row_number + local dates) to staging."""
    if valid.empty:
        return
    con.register("batch_rows", valid)
    try:
        _execute(con, f"ingest/{kind}_stage_batch")
    finally:
        con.unregister("batch_rows")


def quarantine(con: duckdb.DuckDBPyConnection, ingest_id: int, file_name: str,
               rejected: pd.DataFrame) -> None:
    """Insert problems (row_number, column_name, value, reason, raw_record) into rejected_rows."""
    if rejected.empty:
        return
    con.register("rejected_batch", rejected)
    try:
        _execute(con, "ingest/rejected_insert", ingest_id=ingest_id, file_name=file_name)
    finally:
        con.unregister("rejected_batch")


def apply(con: duckdb.DuckDBPyConnection, kind: str, ingest_id: int) -> dict[str, int]:
    """Classify staged rows, write cases/reviews (and case_events); counts per outcome."""
    _execute(con, f"ingest/{kind}_classify")
    counts = dict.fromkeys(OUTCOMES, 0)
    counts |= dict(_execute(con, "ingest/outcome_counts"))
    if kind == "cases":
        inserted = _execute(con, "ingest/cases_insert_events", ingest_id=ingest_id)
        counts["events_added"] = int(inserted[0][0])  # DuckDB answers an insert with its row count
    incremental = kind == "cases" and aggregates.plan_cases(con)
    if incremental:
        aggregates.retract(con)
    _execute(con, f"ingest/{kind}_delete_updated")
    _execute(con, f"ingest/{kind}_upsert", ingest_id=ingest_id)
    if incremental:
        aggregates.extend(con)
    elif kind == "cases":
        aggregates.rebuild_fact_and_cubes(con)
    return counts


def refresh_derived_tables(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """Rebuild the derived tables an ingest of `kind` does not maintain incrementally
    (aggregates.rebuild_per_ingest_tables)."""
    relax_memory_for_derived(con)
    aggregates.rebuild_per_ingest_tables(con, kind)


def record(con: duckdb.DuckDBPyConnection, **row) -> None:
    """One row in `ingests` (see sql/ingest/ingests_insert.sql for the fields)."""
    _execute(con, "ingest/ingests_insert", **row)


def rejected_rows(con: duckdb.DuckDBPyConnection, ingest_id: int) -> pd.DataFrame:
    """The quarantined rows of one ingest, ordered by row number."""
    return db.query_df(con, "ingest/rejected_rows_of_ingest", ingest_id=ingest_id)
