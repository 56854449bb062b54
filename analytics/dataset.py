"""Which dataset a database holds: the demo is one dataset among others, kept apart.

The demo loader (`python -m analytics demo`, the app's "Open the demo") marks the database it
fills: `schema_meta` holds `dataset = demo`, written in the same transaction as the demo's first
ingest, so a demo file is never without its marker. A file written before the marker existed
counts as the demo when every export it ever loaded was the demo loader's (`demo_cases.parquet`,
`demo_reviews.parquet`) and it carries no marker. Nothing else is ever loaded into a demo file (the ingest command and
the Data page refuse), the demo is never loaded into a file holding other data, and alerts never
run on it: its rows, triage verdicts, snapshots and alert state (`<db stem>.state.sqlite`, one
per database file) never mix with anyone's own data.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from analytics import db

KEY, DEMO = "dataset", "demo"
LOADER_FILES = frozenset({"demo_cases.parquet", "demo_reviews.parquet"})


class DemoDatasetError(Exception):
    """An action refused because it would mix the demo with other data."""


def _rows(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list | None:
    """The rows of one of three literal queries, by name (no SQL text passed around as a value:
    tests/test_injection.py); None when the file has no such table yet."""
    try:
        if query == "marker":
            return con.execute("select value from schema_meta where key = ?", params).fetchall()
        if query == "exports":
            return con.execute("select distinct file_name from ingests").fetchall()
        return con.execute("select exists (select 1 from cases)").fetchall()
    except duckdb.CatalogException:   # a file without our tables yet
        return None


def is_demo_con(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database behind `con` holds the demo (its marker, or only the demo loader's
    exports in a file from before the marker)."""
    marker = _rows(con, "marker", [KEY])
    if marker:
        return marker[0][0] == DEMO
    names = _rows(con, "exports")
    return bool(names) and {n for (n,) in names} <= LOADER_FILES


def has_cases_con(con: duckdb.DuckDBPyConnection) -> bool:
    rows = _rows(con, "has_cases")
    return bool(rows and rows[0][0])


def is_demo(path) -> bool:
    """Whether the database file at `path` holds the demo (False when it does not exist)."""
    path = Path(path)
    if not path.exists():
        return False
    with db.reader(path) as con:
        return is_demo_con(con)


OWN = "own"


def mark(con: duckdb.DuckDBPyConnection, value: str = DEMO) -> None:
    """Mark the database being written through `con` (inside a db.writer block) as the demo, or
    with OWN as someone's own data (a copy of the demo's rows that is no longer the demo)."""
    if value not in (DEMO, OWN):
        raise ValueError(f"dataset must be {DEMO!r} or {OWN!r}, not {value!r}")
    con.execute("insert or replace into schema_meta values (?, ?)", [KEY, value])


MIXING = "the demo never mixes with your own data"
ALERTS = "alerts never go out about generated data"


def refusal(path, action: str, why: str = MIXING) -> str:
    """The message for refusing `action` on the demo dataset at `path`."""
    return (f"{path} holds the demo dataset (generated data), so {action} is refused: {why}. "
            "Use a database of your own: pass --db PATH, or set ESCALATION_RADAR_DB=PATH (the "
            "app then starts empty and offers to load your export).")


def refuse_demo(path, action: str, why: str = MIXING) -> None:
    """Raise DemoDatasetError when the database at `path` is the demo."""
    if is_demo(path):
        raise DemoDatasetError(refusal(path, action, why))


def check_demo_target(path) -> None:
    """Before the demo is loaded into `path`: refuse a database that holds other data."""
    path = Path(path)
    if not path.exists():
        return
    with db.reader(path) as con:
        if has_cases_con(con) and not is_demo_con(con):
            raise DemoDatasetError(
                f"{path} holds data that is not the demo, so the demo is not loaded into it: "
                "the demo is kept in a database of its own (default ESCALATION_RADAR_DEMO_DB, "
                "or pass --db PATH with a new file).")
