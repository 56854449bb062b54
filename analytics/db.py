"""The DuckDB file: the one-writer process model, schema set-up and running `sql/` files.

DuckDB lets one process open a file read-write, or many open it read-only, never both. So a
writer (ingest, demo, later alert and triage jobs) never writes the live file: it takes an
exclusive lock, copies the live file to a scratch file beside it, writes there in one
transaction, checkpoints, and atomically renames the scratch file over the live one. Readers
(every app session) open the live file read-only whenever they need fresh data; an open reader
keeps the old inode alive until it closes, so no reader ever sees half an ingest and none is
ever refused. Writers queue on the lock. docs/architecture.md has the whole picture.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
import shutil
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from analytics import reference, settings

SQL_DIR = settings.ROOT / "sql"
_PARAM = re.compile(r"(?<![:$\w])\$([A-Za-z_]\w*)")


class WriterBusy(RuntimeError):
    """Another writer held the database lock for longer than we were willing to wait."""


# `-- include: fragments/<name>` on a line of its own: the text of sql/fragments/<name>.sql goes
# there (shared logic written once, e.g. the KPI marts'); plain text, so it runs on every engine
_INCLUDE = re.compile(r"^--\s*include:\s*(fragments/[\w/]+)\s*$", re.MULTILINE)


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql`, e.g. `sql_text("marts/daily_volume")`, with its
    `-- include: fragments/...` lines replaced by those files' text."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: sql_text(m.group(1)).strip().rstrip(";"), text)


def sql_parameters(name: str) -> frozenset[str]:
    """The `$name` parameters the SQL file binds."""
    text = re.sub(r"--[^\n]*", "", sql_text(name))
    return frozenset(_PARAM.findall(text))


def _checked(name: str, params: dict) -> dict | None:
    wanted = sql_parameters(name)
    unknown = set(params) - wanted
    if unknown:
        raise ValueError(f"sql/{name}.sql takes no parameter(s) {sorted(unknown)}")
    missing = wanted - set(params)
    if missing:
        raise ValueError(f"sql/{name}.sql needs parameter(s) {sorted(missing)}")
    return params or None


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyConnection:
    """Execute one SQL file with bound parameters; extra or missing parameters are an error."""
    return con.execute(sql_text(name), _checked(name, params))


def query_df(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run one SQL file and return a DataFrame (through Arrow, the fast route out of DuckDB)."""
    return con.sql(sql_text(name), params=_checked(name, params)).to_arrow_table().to_pandas()


def query_arrow(con: duckdb.DuckDBPyConnection, name: str, **params):
    """Run one SQL file and return its Arrow table (to convert with options of one's own)."""
    return con.sql(sql_text(name), params=_checked(name, params)).to_arrow_table()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables (`sql/schema/`) and the staging views (`sql/staging/`); idempotent."""
    for folder in ("schema", "staging"):
        for path in sorted((SQL_DIR / folder).glob("*.sql")):
            con.execute(path.read_text(encoding="utf-8"))


DERIVED_MODES = ("rebuild", "keep")


def derived_files() -> list[Path]:
    """`sql/derived/*.sql` in build order (their names start with a number)."""
    return sorted((SQL_DIR / "derived").glob("*.sql"))


# Derived tables whose file creates them empty, filled here a few weeks at a time: (the query of
# the span to fill, the query that fills $first_day..$last_day). Exact quantiles hold every value
# of a group in memory and cannot spill; a chunk of weeks bounds that memory.
CHUNKED_FILLS = {"70_kpi_weekly": ("ingest/kpi_weekly_span", "ingest/kpi_weekly_fill")}
FILL_CHUNK_DAYS = 28   # four Monday-to-Sunday weeks when the span starts on a Monday


def fill_in_chunks(con: duckdb.DuckDBPyConnection, fill: str, first_day, last_day,
                   days: int = FILL_CHUNK_DAYS) -> None:
    """Run the SQL file `fill` for consecutive spans of `days` from first_day to last_day
    (nothing when first_day is None: no data)."""
    start = first_day
    while start is not None and start <= last_day:
        end = min(start + dt.timedelta(days=days - 1), last_day)
        run_sql(con, fill, first_day=start, last_day=end).fetchall()
        start = end + dt.timedelta(days=1)


# A derived file's $first_day/$last_day (the span its shared query in sql/fragments/ covers) are
# every day on a from-scratch build.
WHOLE_RANGE = {"first_day": dt.date(1900, 1, 1), "last_day": dt.date(9999, 12, 31)}


def whole_range(name: str) -> dict:
    """The parameters of a derived file's from-scratch build: every day."""
    return {key: value for key, value in WHOLE_RANGE.items() if key in sql_parameters(name)}


def build_derived(con: duckdb.DuckDBPyConnection, names: set[str] | None = None) -> None:
    """Rebuild the derived tables (`sql/derived/`, in order) from the data as it now stands, or
    only the files whose stem is in `names`.

    What is costly to compute per case (the business-time SLA clock, the activity fact table,
    the cubes) is computed by writers, not by every mart on every cache miss. An ingest maintains
    the fact table and cubes incrementally (analytics/ingest/aggregates.py) instead."""
    for path in derived_files():
        if names is None or path.stem in names:
            run_sql(con, f"derived/{path.stem}", **whole_range(f"derived/{path.stem}"))
            if path.stem in CHUNKED_FILLS:
                span, fill = CHUNKED_FILLS[path.stem]
                fill_in_chunks(con, fill, *run_sql(con, span).fetchall()[0], days=FILL_CHUNK_DAYS)


def schema_fingerprint() -> str:
    """A hash of everything a writer applies: schema, staging views, derived tables, reference
    config."""
    digest = hashlib.sha256()
    files = [*(path for folder in ("schema", "staging", "derived", "fragments")
               for path in sorted((SQL_DIR / folder).glob("*.sql"))), *reference.CONFIG_FILES]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        rows = con.execute("select value from schema_meta where key = 'schema_fingerprint'").fetchall()
    except duckdb.CatalogException:  # written before schema_meta existed
        return None
    return rows[0][0] if rows else None


def refresh_if_stale(path: Path | None = None, *, on_wait=None) -> bool:
    """Re-apply schema, views and reference tables if the file was written by other code.

    Readers cannot create views, so after an upgrade (a new staging view, a changed calendar) the
    first caller does one empty write. Returns whether it did. A missing file is left alone.
    """
    path = Path(path or settings.db_path())
    if not path.exists():
        return False
    with reader(path) as con:
        if _stored_fingerprint(con) == schema_fingerprint():
            return False
    with writer(path, on_wait=on_wait, derived="keep"):   # stale: rebuilt once, on open
        pass
    return True


def data_version(path: Path | None = None) -> tuple[str, int, int]:
    """A value that changes whenever a writer replaces the file: key caches on it."""
    path = Path(path or settings.db_path())
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), 0, 0)
    return (str(path), st.st_ino, st.st_mtime_ns)


ATTACH_TRIES = 3   # an attach that met a file being swapped in is tried again (_attach)


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection reading `path` as it is now, read-only.

    Not `duckdb.connect(path)`: DuckDB keeps one database instance per path in a process, so
    while any connection to the file is open, connecting again returns that instance, which still
    reads the file a writer has since replaced (duckdb/duckdb#15912: stale data cached under the
    new version). A private in-memory database that ATTACHes the file opens whatever is at the
    path now; `USE` makes its tables and views resolve as in the file itself."""
    for attempt in range(ATTACH_TRIES):
        con = duckdb.connect(":memory:")
        try:
            con.execute("attach ? as live (read_only)", [str(path)])
            con.execute("use live")
            return con
        except duckdb.IOException:
            # A writer's rename landing while DuckDB reads the file's header and metadata (it
            # opens the path more than once) fails the attach ("No more data remaining in
            # MetadataReader", seen once in CI's crash test); whichever file is at the path is
            # complete, so attaching again reads one whole version.
            con.close()
            if attempt == ATTACH_TRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
        except BaseException:
            con.close()
            raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def reader(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the live file, closed on exit."""
    con = _attach(Path(path or settings.db_path()))
    try:
        yield con
    finally:
        con.close()


class _Shared:
    """One open read-only connection per data version, shared by a process's threads."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.users, self.retired = con, 0, False


_SHARED: dict[tuple, _Shared] = {}
MAX_SHARED = 4   # files held open at once (an app reads one; a test process reads hundreds)
_SHARED_LOCK = threading.Lock()


@contextlib.contextmanager
def shared_reader(version: tuple) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the process's connection to data version `version` (`data_version(path)`).

    For the app, whose every cache miss used to open the file anew (10-40 ms each at 10M cases,
    several per page run). The connection stays open while its version is the newest one seen for
    its path; the first use of a newer version retires it, and it closes once no thread uses it.
    A retired file's disk space is freed only then: the writer replaced it, we still hold it.
    Beyond MAX_SHARED files the least recently opened are retired the same way."""
    with _SHARED_LOCK:
        shared = _SHARED.get(version)
        if shared is None:
            shared = _SHARED[version] = _Shared(_attach(Path(version[0])))
            for other_version, other in list(_SHARED.items()):   # oldest first
                if other_version != version and (other_version[0] == version[0]
                                                 or len(_SHARED) > MAX_SHARED):
                    other.retired = True
                    _close_if_unused(other_version, other)
        shared.users += 1
        cursor = shared.con.cursor()
    try:
        cursor.execute("use live")
        yield cursor
    finally:
        cursor.close()
        with _SHARED_LOCK:
            shared.users -= 1
            _close_if_unused(version, shared)


def _close_if_unused(version: tuple, shared: _Shared) -> None:
    if shared.retired and shared.users == 0 and _SHARED.get(version) is shared:
        del _SHARED[version]
        shared.con.close()


@contextlib.contextmanager
def _writer_lock(path: Path, timeout_s: float, on_wait) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + timeout_s
        announced = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    raise WriterBusy(f"{path.name} is being written by {holder}; "
                                     f"gave up after {timeout_s:.0f} s") from None
                if not announced and on_wait:
                    on_wait(f"waiting for {holder} to finish writing {path.name} ...")
                    announced = True
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _set_up(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Schema, views and reference tables, then every derived table, for this code and config."""
    ensure_schema(con)
    reference.sync_reference_tables(con)
    con.execute("insert or replace into schema_meta values ('schema_fingerprint', ?)", [fingerprint])
    build_derived(con)


def _empty_template(fingerprint: str) -> Path | None:
    """An empty database set up by this code and config (schema, views, reference tables, the
    calendar's business-clock tables, empty derived tables), kept in ESCALATION_RADAR_CACHE_DIR
    (data/cache: never outside the data folder unless configured) and made on first use, so that
    a new database starts as a copy of ~9 MB instead of ~1 s of set-up. None if that folder
    cannot be written (the writer then sets the file up itself)."""
    folder = Path(settings.get("ESCALATION_RADAR_CACHE_DIR"))
    template = folder / f"empty-{fingerprint[:24]}.duckdb"
    if template.exists():
        return template
    building = folder / f"{template.name}.building-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(building))
        try:
            _set_up(con, fingerprint)
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(building, template)   # atomic: a concurrent maker's copy is as good
    except (OSError, duckdb.Error):
        return None
    finally:
        for leftover in (building, Path(f"{building}.wal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return template


@contextlib.contextmanager
def writer(path: Path | None = None, *, timeout_s: float | None = None, on_wait=None,
           derived: str = "rebuild", start_empty: bool = False
           ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection whose work becomes visible atomically when the block exits.

    Everything done on the connection lands together, or (on any exception, or if the process
    is killed) not at all: the live file is only ever replaced by a complete, checkpointed copy.
    `derived="rebuild"` (the safe default for a block that may change cases or reviews in any
    way) rebuilds every derived table at the end; `"keep"` is for blocks that leave cases and
    reviews alone or maintain the derived tables themselves (ingest, triage, snapshots, alerts).
    A file written by other code (schema fingerprint differs) is rebuilt either way.
    `start_empty=True` writes a new store from the empty one instead of a copy of the live file
    (a lake build, analytics/engines/build.py, replaces the whole store).
    """
    if derived not in DERIVED_MODES:
        raise ValueError(f"derived must be one of {DERIVED_MODES}, got {derived!r}")
    path = Path(path or settings.db_path())
    if timeout_s is None:
        timeout_s = float(settings.get("ESCALATION_RADAR_LOCK_TIMEOUT_S"))
    with _writer_lock(path, timeout_s, on_wait):
        scratch = path.with_name(f"{path.name}.writing-{os.getpid()}")
        for stale in path.parent.glob(f"{path.name}.writing-*"):
            # left by a writer that was killed (its file, WAL or spill folder); we hold the
            # lock, so that writer is dead
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink()
        fingerprint = schema_fingerprint()
        if path.exists() and not start_empty:
            shutil.copyfile(path, scratch)
        elif (template := _empty_template(fingerprint)) is not None:
            shutil.copyfile(template, scratch)
        con = duckdb.connect(str(scratch))
        try:
            # A file this code wrote already holds its schema, views, reference and derived
            # tables (the fingerprint covers every file they are made of): set up only a file
            # written by other code or config, or a new file no template could start.
            if _stored_fingerprint(con) != fingerprint:
                _set_up(con, fingerprint)
            yield con
            if derived == "rebuild":
                build_derived(con)
            con.execute("checkpoint")
            con.close()
            _fsync(scratch)
            os.replace(scratch, path)
        except BaseException:
            con.close()
            scratch.unlink(missing_ok=True)
            Path(f"{scratch}.wal").unlink(missing_ok=True)
            raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
