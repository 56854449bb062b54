"""App state: what people and jobs record about a dataset, apart from its case data.

Triage verdicts, alert items, sends, acknowledgements and snoozes, snapshot records and the
watcher's records of the files it handled live in one SQLite file per dataset, beside the case
database: `<db stem>.state.sqlite` (`path_for`). Why not the case file: a write there goes through
`db.writer`'s copy-write-swap (the whole file copied, 3.2 GB at 10M cases), and the new file
changes `db.data_version`, which every cached mart and stored detection result is keyed on. Why
SQLite, not a second DuckDB file: DuckDB lets one process at a time open a file read-write and none
read it meanwhile, so the app server, the alert job and the watcher would queue on a lock and
readers would be refused; SQLite in WAL mode lets many processes read while one writes, and queues
writers on its own lock (`busy_timeout`). A write is one transaction (`BEGIN IMMEDIATE` ...
`COMMIT`, fsynced: `synchronous=FULL`), so a killed writer leaves the store as before or as after
(tests/test_state.py). bench/state_writes.py has the figures.

Two versions, two kinds of cache key (docs/architecture.md, "App state"):
- `db.data_version(db_path)`: the case data. Changes only when a writer replaces the case file.
- `version(db_path)`: the app state. Changes with every state write (a counter bumped in the
  same transaction), never with the case file.

Records written by older code into the case database (its tables spike_triage, alert_items,
alert_sends, alert_responses, snapshots, and watched_files, which moved later under its own mark)
are copied into the state store once, when the store is first opened for that dataset by code
that knows the table, into each state table that has none (`_migrate`). Those tables stay in the
case file, unread.

SQL lives in `sql/state/*.sql` (SQLite dialect), every value a bound `$param`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import db, settings

SQL_DIR = settings.ROOT / "sql" / "state"
SUFFIX = ".state.sqlite"
BUSY_TIMEOUT_S = 30.0
_PARAM = re.compile(r"(?<![:$\w])\$([A-Za-z_]\w*)")

# Tables copied from a case database written by older code, in this order, each group once
# under its mark in state_meta: watched_files moved here after stores marked 'migrated' existed.
LEGACY_TABLES = {"migrated": ("spike_triage", "alert_items", "alert_sends", "alert_responses",
                              "snapshots"),
                 "migrated watched_files": ("watched_files",)}
# Columns read back as timestamps / booleans (SQLite keeps text and 0/1).
TIMESTAMPS = frozenset({"start_at", "updated_at", "found_at", "sent_at", "acknowledged_at",
                        "snoozed_until", "attempted_at", "responded_at", "made_at", "data_as_of",
                        "processed_at"})
BOOLEANS = frozenset({"ok", "include_examples"})
INTEGERS = frozenset({"attempts", "attempt", "http_status", "ingest_id"})

_READY: set[tuple] = set()   # (state path, inode) set up and migrated by this process
_READY_LOCK = threading.Lock()


def path_for(source) -> Path:
    """The state store of a dataset: `source` is the case database's path, or a DuckDB
    connection reading it (`db.reader`, `db.shared_reader`)."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        source = case_path(source)
    source = Path(source)
    return source.with_name(source.stem + SUFFIX)


def case_path(con: duckdb.DuckDBPyConnection) -> Path:
    """The file of the case database a DuckDB connection reads."""
    rows = con.execute("select path from duckdb_databases() "
                       "where database_name = current_database()").fetchall()   # (fetchone
    # leaves the result open in duckdb 2.0: the connection's next query is refused)
    row = rows[0] if rows else None
    if not row or not row[0]:
        raise ValueError("this connection reads no database file: no state store beside it")
    return Path(row[0])


@cache
def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _params(name: str, params: dict) -> dict:
    wanted = frozenset(_PARAM.findall(re.sub(r"--[^\n]*", "", sql_text(name))))
    if set(params) != wanted:
        raise ValueError(f"sql/state/{name}.sql takes {sorted(wanted)}, got {sorted(params)}")
    return {key: _value(value) for key, value in params.items()}


def _value(value):
    """A Python/pandas/numpy value as SQLite stores it (timestamps as UTC text)."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                          check_same_thread=False)
    con.execute("pragma synchronous = full")   # a commit is on disk when it returns
    return con


def _ready(db_path: Path) -> Path:
    """The state store of `db_path`, created (WAL, schema) and migrated once per process."""
    path = path_for(db_path)
    key = (str(path), path.stat().st_ino if path.exists() else None)
    if key in _READY:
        return path
    with _READY_LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path)
        try:
            con.execute("pragma journal_mode = wal")   # persistent: set once, in the file
            con.executescript(sql_text("schema"))
            _migrate(con, Path(db_path))
        finally:
            con.close()
        _READY.add((str(path), path.stat().st_ino))
    return path


def _migrate(con: sqlite3.Connection, db_path: Path) -> None:
    """Copy the records older code kept in the case database, once per group of LEGACY_TABLES:
    into each state table that is empty. One transaction, marked done in state_meta."""
    marks = {key for (key,) in con.execute("select key from state_meta")}
    if set(LEGACY_TABLES) <= marks or not db_path.exists():
        return   # done; or no case data yet: nothing to copy (looked at again on the next open)
    con.execute("begin immediate")
    try:
        marks = {key for (key,) in con.execute("select key from state_meta")}
        held = dict(con.execute(sql_text("legacy/counts")).fetchall())
        todo = {mark: tables for mark, tables in LEGACY_TABLES.items() if mark not in marks}
        if todo:   # (another process may have copied them while this one waited for the lock)
            with db.reader(db_path) as case:
                for mark, tables in todo.items():   # a table with records of its own: no copy
                    copied = sum(_copy_table(case, con, t) for t in tables if not held[t])
                    con.execute("insert into state_meta values (?, ?)",
                                [mark, f"{copied} rows from {db_path.name}"])
            _bump(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _copy_table(case: duckdb.DuckDBPyConnection, con: sqlite3.Connection, table: str) -> int:
    try:
        rows = case.execute(sql_text(f"legacy/{table}")).fetchall()
    except duckdb.CatalogException:   # a case database written before that table existed
        return 0
    con.executemany(sql_text(f"legacy/{table}_insert"), [[_value(v) for v in row] for row in rows])
    return len(rows)


def _bump(con: sqlite3.Connection) -> None:
    con.execute("update state_meta set value = cast(value as integer) + 1 where key = 'version'")


def version(db_path: Path | None = None) -> tuple[str, int, int]:
    """A value that changes with every write to the dataset's app state, and only then: key
    caches of triage, alerts and snapshot records on it (case data: `db.data_version`)."""
    path = _ready(Path(db_path or settings.db_path()))
    con = _connect(path)
    try:
        counter = con.execute("select value from state_meta where key = 'version'").fetchone()[0]
    finally:
        con.close()
    return (str(path), path.stat().st_ino, int(counter))


@contextlib.contextmanager
def writer(db_path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to the dataset's state store inside one write transaction: everything done
    on it lands together on exit, or (an exception, a killed process) not at all. Writers in
    other processes wait for it (up to BUSY_TIMEOUT_S); readers never do."""
    con = _connect(_ready(Path(db_path or settings.db_path())))
    try:
        con.execute("begin immediate")   # take the write lock now, not at the first write
        try:
            yield con
            _bump(con)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()


@contextlib.contextmanager
def reader(source=None) -> Iterator[sqlite3.Connection]:
    """A connection reading the dataset's state store (`source`: as in `path_for`)."""
    if source is None or not isinstance(source, duckdb.DuckDBPyConnection):
        source = Path(source or settings.db_path())
    else:
        source = case_path(source)
    con = _connect(_ready(source))
    try:
        yield con
    finally:
        con.close()


def run_sql(con: sqlite3.Connection, name: str, **params) -> sqlite3.Cursor:
    """Execute `sql/state/<name>.sql` with bound parameters (extra or missing ones: an error)."""
    return con.execute(sql_text(name), _params(name, params))


def query_df(con: sqlite3.Connection, name: str, **params) -> pd.DataFrame:
    """Run `sql/state/<name>.sql`; timestamps and booleans come back typed."""
    cursor = run_sql(con, name, **params)
    frame = pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])
    for column in frame.columns:
        if column in TIMESTAMPS:
            frame[column] = pd.to_datetime(frame[column], format="ISO8601")
        elif column in BOOLEANS:
            frame[column] = frame[column].astype(bool)
        elif frame.empty and column not in INTEGERS:   # typed as text, as a non-empty read is
            frame[column] = frame[column].astype("str")
    return frame


def read(source, name: str, **params) -> pd.DataFrame:
    """The rows of `sql/state/<name>.sql` in the state store of `source` (as in `path_for`)."""
    with reader(source) as con:
        return query_df(con, name, **params)
