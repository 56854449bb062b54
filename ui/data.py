"""The data seam: every page reads the database through this module, and only this module
imports Streamlit's cache decorators.

Results are cached with `st.cache_data`, keyed on plain values plus `db.data_version(path)`:
a writer (ingest, demo) replaces the file atomically, which changes the version, so a cache hit
can never serve data from before an ingest. On a miss we run one `sql/marts/*.sql` file with
bound parameters on a cursor of the process's connection to that version (`db.shared_reader`,
retired once a newer version is read), or read one of the few heavy marts stored beside the
database (analytics/results/marts.py).
"""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import coverage, db, filtering, settings, views
from analytics import dataset as demo_dataset
from analytics import freshness as data_freshness
from analytics import state as app_state
from analytics.results import marts as stored_marts
from analytics.results import precompute
from analytics.spikes import explain as spike_explain
from analytics.spikes import triage as spike_db
from analytics.trends import detect as trends
from analytics.trends.compare import compare_cells
from analytics.vendors import report as vendor_reports
from analytics.vendors import targets as vendor_targets
from analytics.views import defaults
from analytics.views import trends as trend_views

_DEMO_LOCK = threading.Lock()


def showing_demo() -> bool:
    """Whether this session looks at the demo dataset rather than the database of your data."""
    try:
        return st.session_state.get("dataset") == "demo"
    except Exception:  # noqa: BLE001 - no session (a bare import): your data
        return False


_SEEN: dict[str, tuple] = {}   # the newest data version this process has seen, per database
_SEEN_LOCK = threading.Lock()


def _version(path: Path) -> tuple:
    """`db.data_version(path)`. The first sight of a newer version of a database drops every
    result cached on a data version (`_VERSIONED`): until then each ingest added a full set of
    marts, detections and trend results that nothing would read again, evicted only by count
    (~100 MB per landed ingest while users browsed; issue 17 point 10, bench/memory_soak.py)."""
    version = db.data_version(path)
    with _SEEN_LOCK:
        previous = _SEEN.get(version[0])
        _SEEN[version[0]] = version
    if previous is not None and previous != version:
        for cached in _VERSIONED:
            cached.clear()
    return version


def db_path() -> Path:
    """The database this session reads: your data's (ESCALATION_RADAR_DB), or the demo's own
    (ESCALATION_RADAR_DEMO_DB) while the session looks at the demo (ui/datasets.py)."""
    return settings.demo_db_path() if showing_demo() else settings.db_path()


@st.cache_data(max_entries=256, show_spinner=False)
def _mart(version: tuple, name: str, frozen: tuple) -> pd.DataFrame:
    params = stored_marts.thaw(frozen)
    if stored_marts.is_stored(name, params):   # heavy: read from beside the database
        return stored_marts.mart(version, name, **params)
    with db.shared_reader(version) as con:
        return db.query_df(con, f"marts/{name}", **params)


def mart(name: str, **params) -> pd.DataFrame:
    """The rows of `sql/marts/<name>.sql` for these parameters (every parameter must be given).
    The few heavy marts analytics/results/marts.py names are read from the results `python -m
    analytics precompute` stored beside the database (computed and stored on a miss)."""
    path = db_path()
    return _mart(_version(path), name, stored_marts.freeze(params))


@st.cache_data(max_entries=64, show_spinner=False)
def _search_cases(version: tuple, frozen: tuple) -> pd.DataFrame:
    with db.shared_reader(version) as con:
        return db.query_df(con, "search/cases", **stored_marts.thaw(frozen))


def search_cases(**params) -> pd.DataFrame:
    """The rows of sql/search/cases.sql: the Cases page's search (analytics/text/search.py)."""
    return _search_cases(_version(db_path()), stored_marts.freeze(params))


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
    return _filter_options(_version(db_path()))


def first_split(filters, splits: list[str]) -> str:
    """The first of `splits` (daily_volume_split) that some case in the filters has a value of,
    else the first: a split by a column the export does not map draws one '(unknown)' band."""
    return next((by for by in splits if mart("daily_volume_split", **common(filters), split=by)
                 ["split_value"].notna().any()), splits[0])


def common(filters, start: dt.date | None = None, end: dt.date | None = None, **overrides) -> dict:
    """The common mart parameters for the sidebar filters, optionally for another window."""
    params = {
        "start_date": start or filters.start, "end_date": end or filters.end,
        "markets": list(filters.markets) or None, "categories": list(filters.categories) or None,
        "sources": list(filters.sources) or None,
    }
    return params | overrides


def kpi_summaries(filters, fresh: dict, **overrides) -> tuple[dict, dict | None,
                                                                tuple[dt.date, dt.date]]:
    """`kpi_summary` of the sidebar's window and of the window of equal length before it, each
    with its open backlog counted at its end: (current, previous, (previous start, end)).
    `previous` is None when the loaded exports do not cover every day of the period before
    (nothing, or only part of it, was loaded): there is no earlier data to compare with."""
    before = views.previous_window(filters.start, filters.end)
    current, previous = (
        mart("kpi_summary", **common(filters, start, end, **overrides),
             as_of=as_of(fresh, end)).iloc[0].to_dict()
        for start, end in ((filters.start, filters.end), before))
    return current, (previous if defaults.covered_share(covered, *before) == 1.0 else None), before


def coverage_windows() -> pd.DataFrame:
    """The loaded case exports' date windows (sql/marts/export_coverage.sql)."""
    return mart("export_coverage")


def covered(days: pd.DatetimeIndex):
    """True for each day some loaded export covers (analytics/coverage.py; all days when no
    export is recorded)."""
    return coverage.Coverage(coverage_windows()[coverage.COLUMNS]).mask(days, "day")


def with_gaps(frame: pd.DataFrame, x: str, value: str, by: str | None = None) -> pd.DataFrame:
    """A daily series on every day of its span: days no export covers missing (a gap on the
    chart), covered days without cases zero (analytics/views/defaults.py)."""
    return defaults.with_gaps(frame, x, value, covered, by=by)


def without_uncovered(frame: pd.DataFrame, x: str, value: str) -> pd.DataFrame:
    """`frame` with `value` missing on the days no export covers (a gap on a line chart)."""
    if frame.empty:
        return frame
    known = covered(pd.DatetimeIndex(pd.to_datetime(frame[x])))
    return frame.assign(**{value: frame[value].where(known)})


def follow_new_data(dates: tuple) -> tuple:
    """The sidebar's date window after a load: moved to the newly loaded data when it holds
    none of it, else as it was (analytics/views/defaults.py). Remembers, per session and
    database, which exports the window has seen."""
    windows = coverage_windows()
    path, ids = str(db_path()), frozenset(int(i) for i in windows["ingest_id"])
    held = st.session_state.get("window_exports")
    st.session_state["window_exports"] = (path, ids)
    seen = held[1] if held and held[0] == path else None
    if len(dates) != 2:   # mid-selection: one date
        return tuple(dates)
    return defaults.follow_new_data(tuple(dates), windows, seen)


def markets_in_view(filters) -> list[str]:
    """Every market in the data, the largest within the sidebar's filters (dates, categories,
    sources) first: the Markets page opens on a market that has cases in view."""
    rows = mart("daily_volume_split", **common(filters, markets=None), split="market")
    return defaults.markets_by_cases(rows.rename(columns={"split_value": "market"}),
                                     filter_options()["markets_by_cases"])


def freshness() -> dict:
    """The one row of `data_freshness` as a dict (empty when the database has no cases)."""
    return data_freshness.first_row(mart("data_freshness"))


def as_of(fresh: dict, day: dt.date | None = None) -> dt.datetime:
    """The moment a stock (open backlog) is counted at: analytics/freshness.py's data's now,
    the wall clock only while there is no data."""
    return data_freshness.as_of(fresh, day,
                                default=dt.datetime.now(dt.UTC).replace(tzinfo=None))


def vendor_report(period: str, markets: list[str] | None, fresh: dict):
    """(the vendor report of the latest complete `period`, the targets it was judged by), from
    the cached vendor marts; stock KPIs are counted at most at the data's now."""
    targets = vendor_targets.load_targets()
    return vendor_reports.build_report(mart, period, markets=markets, targets=targets,
                                       newest_at=as_of(fresh)), targets


def rejected_rows(ingest_id: int | None, shown: pd.DataFrame | None = None,
                  limit: int = 1000) -> pd.DataFrame:
    """The newest `limit` rejected rows of one ingest (None: of all); with `shown` (those
    rows, read before), every rejected row, read again only when `shown` was cut at `limit`."""
    if shown is not None:
        return shown if len(shown) < limit else mart("rejected_rows", ingest_id=ingest_id,
                                                     limit=10_000_000)
    return mart("rejected_rows", ingest_id=ingest_id, limit=limit)


def has_cases(path: Path) -> bool:
    """Whether the database file exists and holds at least one case.

    Asked of the `cases` table directly, not of a mart: a mart that fails (a schema that moved
    on) must show as an error, never make us take someone's database for an empty one."""
    if not path.exists():
        return False
    with db.shared_reader(db.data_version(path)) as con:
        return demo_dataset.has_cases_con(con)


@st.cache_data(max_entries=16, show_spinner=False)
def _is_demo(version: tuple) -> bool:
    with db.shared_reader(version) as con:
        return demo_dataset.is_demo_con(con)


def is_demo(path: Path | None = None) -> bool:
    """Whether the database (this session's by default) holds the demo dataset."""
    path = path or db_path()
    return path.exists() and _is_demo(_version(path))


_READY: dict[tuple, bool] = {}   # data versions set up by this code: whether they hold cases


def open_dataset() -> bool:
    """Make this session's database ready to read; whether it holds cases.

    The demo's database is generated on first use (once: several sessions may start at once,
    so the lock plus a second look makes only one of them generate it). Your data's database is
    created empty when missing: a new path starts empty, never filled with the demo. Runs on
    every rerun of every page, so a version already checked is not opened again.
    """
    path = db_path()
    version = _version(path)
    if version in _READY:
        return _READY[version]
    if path.exists() and db.refresh_if_stale(path):  # the checkout moved on: new views
        st.cache_data.clear()
    if showing_demo() and not has_cases(path):
        _generate_demo(path)
    elif not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with db.writer(path, derived="keep"):   # an empty database set up by this code
            pass
    _READY[_version(path)] = ready = has_cases(path)
    return ready


def _generate_demo(path: Path) -> None:
    with _DEMO_LOCK:
        st.cache_data.clear()
        if has_cases(path):
            return
        from analytics.demo import load as demo

        n_cases = int(settings.get("ESCALATION_RADAR_DEMO_CASES"))
        bar = st.progress(0.0, text=f"Generating the demo with {n_cases:,} cases ...")
        with st.spinner(f"Building the demo database {path} (once, on first use) ..."):
            demo.load_demo(path, n_cases=n_cases, progress=lambda fraction, message: bar.progress(
                min(max(float(fraction), 0.0), 1.0), text=f"Demo: {message}"))
        bar.empty()
        st.cache_data.clear()


def upload_refusal() -> str | None:
    """Why the Data page must not load an upload into this session's database (None: it may):
    the demo dataset takes nothing but the demo."""
    path = db_path()   # shown as Markdown: the path as code
    return demo_dataset.refusal(f"`{path}`", "loading an upload into it") if is_demo(path) else None


def clear() -> None:
    """Forget every cached result (after an ingest from the Data page)."""
    st.cache_data.clear()

# Spike detection: computed once per data version and grain (stored beside the database by
# analytics/results/precompute.py), shared by the Spikes, Markets and KPIs pages.


# cache_resource, not cache_data: the scored buckets are 35 MB (day) and 69 MB (hour) on the
# 300k demo, and cache_data unpickles a fresh copy on every hit, in every session at once (the
# Spikes, Markets and KPIs pages all read it); one shared object serves them all instead.
@st.cache_resource(max_entries=4, show_spinner="Scoring every segment for spikes ...")
def _detect(version: tuple, grain: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return precompute.spikes(version, grain)   # stored beside the database for every process


def detection(grain: str = "day") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored segment counts, events) for the whole database. Shallow copies of the shared
    result: under pandas' copy-on-write a caller that changes one copies it first."""
    scored, found = _detect(_version(db_path()), grain)
    return scored.copy(deep=False), found.copy(deep=False)


@st.cache_resource(max_entries=2, show_spinner="Scoring SLA breach rate and first response ...")
def _detect_kpis(version: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return precompute.spike_kpis(version)


def events(grain: str = "day") -> pd.DataFrame:
    """Case-volume events, and (daily) SLA breach rate and first-response events."""
    found = detection(grain)[1]
    if grain != "day":
        return found
    kpi_events = _detect_kpis(_version(db_path()))[1]
    return pd.concat([found, kpi_events], ignore_index=True) if len(kpi_events) else found


@st.cache_data(max_entries=8, show_spinner=False)
def _time_of_day(version: tuple) -> bool:
    with db.shared_reader(version) as con:
        return coverage.load(con).has_time_of_day


def has_time_of_day() -> bool:
    """Whether some loaded export carries times of day (else there is no hourly series)."""
    return _time_of_day(_version(db_path()))


def events_within(filters, grain: str = "day") -> pd.DataFrame:
    """The events inside the sidebar filters that overlap its dates (analytics/filtering.py)."""
    return filtering.events_within(
        events(grain), start=filters.start, end=filters.end, markets=filters.markets,
        categories=filters.categories, sources=filters.sources)


def series(event: dict, grain: str = "day") -> pd.DataFrame:
    """The scored buckets of the event's segment and metric (observed, expected, band); a
    rate/duration KPI's observed value is in its `value` column."""
    if event.get("metric", "cases") != "cases":
        scored = _detect_kpis(_version(db_path()))[0]
        scored = scored[scored["metric"] == event["metric"]]
    else:
        scored = detection(grain)[0]
    return filtering.segment_rows(scored, event["segment"])


@st.cache_data(max_entries=64, show_spinner=False)
def _explain(version: tuple, event: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    with db.shared_reader(version) as con:
        return spike_explain.drivers(con, event), spike_explain.examples(con, event)


def explain(event: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(driver table, example cases) of one event."""
    plain = {k: event[k] for k in ("event_id", "segment", "start", "end", "expected", "excess")}
    plain["metric"] = event.get("metric", "cases")   # what the drivers count (spikes/explain.py)
    return _explain(_version(db_path()), plain)


# App state (analytics/state.py): triage verdicts, alerts and snapshot records, kept beside the
# case database and keyed on their own version, so a verdict, an ack or a snapshot record leaves
# every cached mart and detection result above valid.
def state_version() -> tuple:
    """The app state's version: changes with each verdict, ack, snooze, send or snapshot
    record, never with the case data (whose version is `db.data_version`)."""
    return app_state.version(db_path())


@st.cache_data(max_entries=16, show_spinner=False)
def _state_rows(version: tuple, path: str, name: str) -> pd.DataFrame:
    return app_state.read(Path(path), name)


def state_rows(name: str) -> pd.DataFrame:
    """The rows of `sql/state/<name>.sql` (spike_triage, alert_items, alert_sends,
    snapshot_list) as of the app state's current version."""
    path = db_path()
    return _state_rows(app_state.version(path), str(path), name)


def triage() -> pd.DataFrame:
    """Every triage verdict, newest first."""
    return state_rows("spike_triage")


def save_triage(event: dict, *, verdict: str, owner: str, note: str) -> None:
    """Record a verdict: one small write to the app state; no cached data goes stale."""
    spike_db.save_triage(db_path(), event, verdict=verdict, owner=owner, note=note)


# Trend detection: one run per data version and as-of day gives the ranked trends, their example
# cases and the period comparison's cells, so a filter change only selects rows of them.
def default_as_of() -> dt.date | None:
    """The last complete day in the data (what the Trends page judges by default): the
    freshness row's, read from the cached `data_freshness` like every page header."""
    return data_freshness.last_complete(freshness())


@st.cache_resource(max_entries=4, show_spinner=False)
def _app(version: tuple, as_of: dt.date) -> dict:
    return precompute.trends_app(version, as_of)   # stored beside the database (shared, read-only)


def ranked(as_of: dt.date) -> pd.DataFrame:
    return _app(_version(db_path()), as_of)["ranked"]


def trends_within(as_of: dt.date, markets: list[str], languages: list[str]) -> pd.DataFrame:
    """The ranked trends of these markets and languages (empty lists: all)."""
    return trends.select_trends(ranked(as_of), markets, languages)


def top_trends(filters, n: int = 3) -> tuple[dt.date | None, pd.DataFrame]:
    """The day judged and the `n` highest-ranked trends of the filters' markets as of the end
    of the sidebar's dates, or the last complete day if that is earlier (empty without data)."""
    last = default_as_of()
    day = min(filters.end, last) if last else None
    found = trends_within(day, list(filters.markets), []).head(n) if day else pd.DataFrame()
    return day, trend_views.in_words(found) if len(found) else found


def example_cases(as_of: dt.date, case_ids: list[str]) -> pd.DataFrame:
    examples = _app(_version(db_path()), as_of)["examples"]
    return examples[examples["case_id"].isin(case_ids)]


@st.cache_data(max_entries=64, show_spinner=False)
def _comparison(version: tuple, as_of: dt.date, markets: tuple, languages: tuple) -> pd.DataFrame:
    cells = _app(version, as_of)["cells"]
    table = compare_cells(cells, markets, languages)
    shown = pd.concat([table.head(15), table.tail(10)]).drop_duplicates("term_key")
    return shown.assign(term=[cells.incidence.spelling(k) for k in shown["term_key"]])


def comparison(as_of: dt.date, markets: list[str], languages: list[str]) -> pd.DataFrame:
    """Terms rising most (top) and falling most (bottom), last 7 days vs the 28 before."""
    return _comparison(_version(db_path()), as_of, tuple(markets), tuple(languages))


# Every cache keyed on a data version (see `_version`).
_VERSIONED = (_mart, _search_cases, _filter_options, _is_demo, _detect, _detect_kpis,
              _time_of_day, _explain, _app, _comparison)
