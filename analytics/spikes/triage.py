"""Spike detection on the database: segment counts in, scored series and events out, and the
triage verdicts people record on events (kept in the app state, analytics/state.py).

Detection always runs on the whole history up to `until` (a bucket's score needs the buckets
before it); `since` only chooses which events are returned.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from analytics import coverage as export_coverage
from analytics import db
from analytics import state as app_state
from analytics.spikes import detect as spikes
from analytics.spikes import kpi_series as spike_kpis
from analytics.spikes import severity

MARTS = {"day": "marts/spike_counts_daily", "hour": "marts/spike_counts_hourly"}
VERDICTS = ("confirmed", "false_positive", "expected")


def load_counts(con: duckdb.DuckDBPyConnection, *, grain: str = "day",
                until: dt.date | None = None, market: str | None = None) -> pd.DataFrame:
    if grain not in MARTS:
        raise ValueError(f"grain must be one of {sorted(MARTS)}, not {grain!r}")
    return db.query_df(con, MARTS[grain], end_date=until, market=market)


def detect(con: duckdb.DuckDBPyConnection, *, grain: str = "day", since: dt.date | None = None,
           until: dt.date | None = None, market: str | None = None,
           **knobs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored segment counts, events) with events ending on or after `since`. Days no export
    covers are missing, not zero; data whose timestamps carry no time of day has no hourly
    series (analytics/coverage.py)."""
    coverage = export_coverage.load(con)
    counts = load_counts(con, grain=grain, until=until, market=market)
    scored, events = detect_counts(counts, grain=grain, coverage=coverage, **knobs)
    if since is not None and len(events):
        events = events[pd.to_datetime(events["end"]) >= pd.Timestamp(since)].reset_index(drop=True)
    return scored, events


def detect_counts(counts: pd.DataFrame, *, grain: str = "day",
                  coverage: export_coverage.Coverage | None = None,
                  **knobs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The detection `detect` runs on segment counts (the rows of sql/marts/spike_counts_<grain>
    .sql): the sensitivity setting's knobs under `knobs`, no hourly series without times of day.
    bench/sensitivity_shown.py runs simulated logs through this same function."""
    coverage = coverage or export_coverage.Coverage.everything()
    if grain == "hour" and not coverage.has_time_of_day:
        counts = counts.iloc[:0]
    return spikes.find_spikes(counts, grain=grain, coverage=coverage,
                              **severity.knobs() | knobs)


def detect_kpis(con: duckdb.DuckDBPyConnection, *, since: dt.date | None = None,
                until: dt.date | None = None, market: str | None = None,
                **knobs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored daily rate/duration KPIs, their events) — SLA breach rate and median first
    response per segment (analytics/spikes/kpi_series.py), events ending on or after `since`."""
    frame = db.query_df(con, "marts/spike_kpi_daily", end_date=until, market=market)
    scored = spike_kpis.detect_kpi_spikes(frame, coverage=export_coverage.load(con),
                                          **severity.knobs() | knobs)
    events = spike_kpis.kpi_events(scored)
    if since is not None and len(events):
        events = events[pd.to_datetime(events["end"]) >= pd.Timestamp(since)].reset_index(drop=True)
    return scored, events


def daily_events(con: duckdb.DuckDBPyConnection, *, since: dt.date | None = None,
                 until: dt.date | None = None, market: str | None = None) -> pd.DataFrame:
    """Every daily event the inbox shows: case counts, SLA breach rate and median first
    response (alerts, snapshots and the weekly review read this one list)."""
    _, events = detect(con, grain="day", since=since, until=until, market=market)
    _, kpi_events = detect_kpis(con, since=since, until=until, market=market)
    found = [frame for frame in (events, kpi_events) if len(frame)]
    if not found:
        return events
    return pd.concat(found, ignore_index=True).sort_values(["score", "excess"], ascending=False,
                                                           ignore_index=True)


def events_json(events: pd.DataFrame) -> list[dict]:
    """Events as plain JSON-ready dicts (the CLI's --format json)."""
    out = []
    for row in events.itertuples(index=False):
        out.append({"event_id": row.event_id, "metric": row.metric,
                    "direction": _direction(getattr(row, "direction", None)), "grain": row.grain,
                    "segment": dict(row.segment),
                    "start": pd.Timestamp(row.start).isoformat(),
                    "peak": pd.Timestamp(row.peak).isoformat(),
                    "end": pd.Timestamp(row.end).isoformat(), "buckets": int(row.buckets),
                    "observed": round(float(row.observed), 2),
                    "expected": round(float(row.expected), 2),
                    "excess": round(float(row.excess), 2), "score": round(float(row.score), 4),
                    "p_value": float(f"{row.p_value:.3g}"), "severity": row.severity,
                    "related": int(row.related),
                    "headline": getattr(row, "headline", None),
                    "components": [_part(p) for p in getattr(row, "components", None) or []],
                    "components_share": _share(getattr(row, "components_share", None))})
    return out


def _direction(value) -> str:
    """'up' or 'down': KPI events carry theirs (kpi_series.kpi_events); case counts only rise."""
    return value if isinstance(value, str) else "up"


def _part(part: dict) -> dict:
    return {"segment": dict(part["segment"]), "observed": round(part["observed"], 2),
            "expected": round(part["expected"], 2), "excess": round(part["excess"], 2),
            "share": round(part["share"], 4)}


def _share(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def triage(source) -> pd.DataFrame:
    """Every verdict recorded, newest first, from the dataset's app state (analytics/state.py);
    `source` is the case database's path or a connection reading it."""
    return app_state.read(source, "spike_triage")


def save_triage(path: Path, event: dict, *, verdict: str, owner: str = "", note: str = "") -> None:
    """Record (or replace) the verdict on one event in the dataset's app state: one small
    transaction beside the case database, which stays untouched (its data version with it)."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
    with app_state.writer(path) as con:
        app_state.run_sql(con, "triage_save", event_id=event["event_id"], verdict=verdict,
                          owner=owner or None, note=note or None, metric=event["metric"],
                          segment=json.dumps(dict(event["segment"]), sort_keys=True),
                          start_at=pd.Timestamp(event["start"]).to_pydatetime())
