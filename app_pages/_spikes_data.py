"""The Spikes data seam: detection computed once per data version and grain, cached.

Like `_marts`, results are keyed on `db.data_version(path)`: a writer (ingest, demo, a triage
verdict) replaces the file, so the next read recomputes. Detection over every segment of the
300k demo takes about 1.5 s cold; a warm page reads it from the cache.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import db, precompute, spike_db, spike_explain
from app_pages import _marts

VERDICT_COLOURS = {"confirmed": "#c0392b", "false_positive": "#7f8c8d", "expected": "#2e86c1"}


# cache_resource, not cache_data: the scored buckets are 35 MB (day) and 69 MB (hour) on the
# 300k demo, and cache_data unpickles a fresh copy on every hit, in every session at once (the
# Spikes, Markets and KPIs pages all read it); one shared object serves them all instead.
@st.cache_resource(max_entries=4, show_spinner="Scoring every segment for spikes ...")
def _detect(version: tuple, grain: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return precompute.spikes(version, grain)   # stored beside the database for every process


def detection(grain: str = "day") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored segment counts, events) for the whole database. Shallow copies of the shared
    result: under pandas' copy-on-write a caller that changes one copies it first."""
    scored, found = _detect(db.data_version(_marts.db_path()), grain)
    return scored.copy(deep=False), found.copy(deep=False)


@st.cache_resource(max_entries=2, show_spinner="Scoring SLA breach rate and first response ...")
def _detect_kpis(version: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return precompute.spike_kpis(version)


def events(grain: str = "day") -> pd.DataFrame:
    """Case-volume events, and (daily) SLA breach rate and first-response events."""
    found = detection(grain)[1]
    if grain != "day":
        return found
    kpi_events = _detect_kpis(db.data_version(_marts.db_path()))[1]
    return pd.concat([found, kpi_events], ignore_index=True) if len(kpi_events) else found


def series(event: dict, grain: str = "day") -> pd.DataFrame:
    """The scored buckets of the event's segment and metric (observed, expected, band); a
    rate/duration KPI's observed value is in its `value` column."""
    if event.get("metric", "cases") != "cases":
        scored = _detect_kpis(db.data_version(_marts.db_path()))[0]
        scored = scored[scored["metric"] == event["metric"]]
    else:
        scored = detection(grain)[0]
    mask = pd.Series(True, index=scored.index)
    for key in ("market", "abuse_category", "source"):
        value = event["segment"].get(key)
        mask &= scored[key].isna() if value is None else scored[key].eq(value)
    return scored[mask].sort_values("bucket")


@st.cache_data(max_entries=64, show_spinner=False)
def _explain(version: tuple, event: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    with db.shared_reader(version) as con:
        return spike_explain.drivers(con, event), spike_explain.examples(con, event)


def explain(event: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(driver table, example cases) of one event."""
    plain = {k: event[k] for k in ("event_id", "segment", "start", "end", "expected", "excess")}
    return _explain(db.data_version(_marts.db_path()), plain)


@st.cache_data(max_entries=8, show_spinner=False)
def _triage(version: tuple) -> pd.DataFrame:
    with db.shared_reader(version) as con:
        return spike_db.triage(con)


def triage() -> pd.DataFrame:
    return _triage(db.data_version(_marts.db_path()))


def save_triage(event: dict, *, verdict: str, owner: str, note: str) -> None:
    spike_db.save_triage(_marts.db_path(), event, verdict=verdict, owner=owner, note=note)


def add_markers(fig: go.Figure, *, markets=(), categories=(), grain: str = "day",
                min_score: float = 0.0) -> None:
    """Mark the spike events within these markets/categories (empty = any) on a date chart."""
    found = events(grain)
    found = found[found["score"] >= min_score] if len(found) else found
    if found.empty:
        return
    seg = found["segment"]
    keep = pd.Series(True, index=found.index)
    if markets:
        keep &= seg.map(lambda s: s.get("market") in markets)
    if categories:
        keep &= seg.map(lambda s: s.get("abuse_category") in categories)
    x_range = [t for trace in fig.data for t in (trace.x if trace.x is not None else [])]
    if x_range:
        low, high = pd.Timestamp(min(x_range)), pd.Timestamp(max(x_range))
        keep &= (pd.to_datetime(found["start"]) >= low) & (pd.to_datetime(found["start"]) <= high)
    for row in found[keep].head(20).itertuples():
        label = " × ".join(str(v) for v in row.segment.values()) or "all"
        label += "" if row.metric == "cases" else f" ({row.metric})"
        fig.add_shape(type="line", x0=row.peak, x1=row.peak, y0=0, y1=1, yref="paper",
                      line=dict(dash="dot", color="#c0392b", width=1), opacity=0.7)
        fig.add_annotation(x=row.peak, y=1, yref="paper", text=f"spike: {html.escape(label)}",
                           showarrow=False, textangle=-90, font=dict(size=10, color="#c0392b"),
                           xanchor="right", yanchor="top")
