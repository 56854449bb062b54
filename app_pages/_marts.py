"""The data seam: every page reads the database through this module, and only this module
imports Streamlit's cache decorators.

Results are cached with `st.cache_data`, keyed on plain values plus `db.data_version(path)`:
a writer (ingest, demo) replaces the file atomically, which changes the version, so a cache hit
can never serve data from before an ingest. On a miss we run one `sql/marts/*.sql` file with
bound parameters on a cursor of the process's connection to that version (`db.shared_reader`,
retired once a newer version is read), or read one of the few heavy marts stored beside the
database (analytics/stored_marts.py).
"""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from analytics import db, settings, stored_marts, views

_DEMO_LOCK = threading.Lock()


def db_path() -> Path:
    return settings.db_path()


@st.cache_data(max_entries=256, show_spinner=False)
def _mart(version: tuple, name: str, frozen: tuple) -> pd.DataFrame:
    params = stored_marts.thaw(frozen)
    if stored_marts.is_stored(name, params):   # heavy: read from beside the database
        return stored_marts.mart(version, name, **params)
    with db.shared_reader(version) as con:
        return db.query_df(con, f"marts/{name}", **params)


def mart(name: str, **params) -> pd.DataFrame:
    """The rows of `sql/marts/<name>.sql` for these parameters (every parameter must be given).
    The few heavy marts analytics/stored_marts.py names are read from the results `python -m
    analytics precompute` stored beside the database (computed and stored on a miss)."""
    path = db_path()
    return _mart(db.data_version(path), name, stored_marts.freeze(params))


@st.cache_data(max_entries=8, show_spinner=False)
def _filter_options(version: tuple) -> dict:
    everything = _mart(version, "filter_values", ())
    today = dt.date.today()
    first = pd.to_datetime(everything["first_created_date"]).min()
    last = pd.to_datetime(everything["last_created_date"]).max()
    return views.filter_options(everything) | {
        "first_date": first.date() if len(everything) else today,
        "last_date": last.date() if len(everything) else today}


def filter_options() -> dict:
    """Markets, categories and sources in the data, and its first and last created_date."""
    return _filter_options(db.data_version(db_path()))


def common(filters, start: dt.date | None = None, end: dt.date | None = None, **overrides) -> dict:
    """The common mart parameters for the sidebar filters, optionally for another window."""
    params = {
        "start_date": start or filters.start, "end_date": end or filters.end,
        "markets": list(filters.markets) or None, "categories": list(filters.categories) or None,
        "sources": list(filters.sources) or None,
    }
    return params | overrides


def freshness() -> dict:
    """The one row of `data_freshness` as a dict (empty when the database has no cases)."""
    frame = mart("data_freshness")
    return frame.iloc[0].to_dict() if len(frame) else {}


def as_of(fresh: dict, day: dt.date | None = None) -> dt.datetime:
    """The moment a stock (open backlog) is counted at: the end of `day` (UTC), but never
    after the newest event in the data: 'now' is the data's now, not the wall clock, so an old
    export does not show every open case as years overdue."""
    stamps = [fresh.get(k) for k in ("newest_created_at", "newest_updated_at", "newest_decided_at")]
    stamps = [pd.Timestamp(s) for s in stamps if s is not None and not pd.isna(s)]
    newest = max(stamps).to_pydatetime() if stamps else dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if day is None:
        return newest
    return min(newest, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def has_cases(path: Path) -> bool:
    """Whether the database file exists and holds at least one case.

    Asked of the `cases` table directly, not of a mart: a mart that fails (a schema that moved
    on) must show as an error, never make us load the demo into someone's real database."""
    if not path.exists():
        return False
    with db.shared_reader(db.data_version(path)) as con:
        try:
            return con.execute("select exists (select 1 from cases)").fetchone()[0]
        except duckdb.CatalogException:  # a DuckDB file without our tables yet: empty
            return False


_READY: set[tuple] = set()   # data versions known to hold cases written by this code


def ensure_demo() -> None:
    """On a fresh machine, generate the demo so the app opens on realistic data.

    Several sessions may start at once; the lock plus a second look makes only one of them
    generate it (the writer lock in analytics/db.py would serialise them, but twice is waste).
    Runs on every rerun of every page, so a version already checked is not opened again.
    """
    path = db_path()
    if db.data_version(path) in _READY:
        return
    if has_cases(path):
        if db.refresh_if_stale(path):  # the checkout moved on: new views or reference config
            st.cache_data.clear()
        _READY.add(db.data_version(path))
        return
    with _DEMO_LOCK:
        st.cache_data.clear()
        if has_cases(path):
            return
        from analytics import demo

        n_cases = int(settings.get("ESCALATION_RADAR_DEMO_CASES"))
        bar = st.progress(0.0, text=f"No data yet: generating a demo with {n_cases:,} cases ...")
        with st.spinner("Building the demo database (once, on first start) ..."):
            demo.load_demo(path, n_cases=n_cases, progress=lambda fraction, message: bar.progress(
                min(max(float(fraction), 0.0), 1.0), text=f"Demo: {message}"))
        bar.empty()
        st.cache_data.clear()


def clear() -> None:
    """Forget every cached result (after an ingest from the Data page)."""
    st.cache_data.clear()
