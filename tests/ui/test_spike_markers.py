"""Spike markers on the Markets page's daily chart (#16 point 11): hover points at the day's
total, only the chart's own market and its categories, never rotated red text."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import spike_markers

DAYS = pd.date_range("2025-03-01", periods=5)


def _event(segment: dict, peak: str, metric: str = "cases") -> dict:
    return {"segment": segment, "peak": pd.Timestamp(peak), "metric": metric,
            "severity": "high", "observed": 40, "expected": 10.0}


def test_markets_chart_marks_its_own_spikes_as_hover_points():
    fig = go.Figure([go.Bar(x=DAYS, y=[5, 6, 7, 8, 9], name="scam"),
                     go.Bar(x=DAYS, y=[1, 1, 30, 1, None], name="fraud")])
    events = pd.DataFrame([_event({"market": "KZ", "abuse_category": "fraud"}, "2025-03-03"),
                           _event({"market": "KZ"}, "2025-03-05 14:00"),
                           _event({"market": "UZ"}, "2025-03-03"),              # another market
                           _event({"market": "KZ", "source": "app"}, "2025-03-03"),   # not split
                           _event({"market": "KZ"}, "2025-03-03", "sla_breach_rate"),
                           _event({"market": "KZ"}, "2025-04-20")])            # off the chart
    spike_markers.add_daily(fig, spike_markers.market_scope(events, "KZ"))
    marks = [t for t in fig.data if t.name == "spike"]
    assert len(marks) == 1 and marks[0].mode == "markers"
    assert [pd.Timestamp(x) for x in marks[0].x] == [pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-05")]
    assert list(marks[0].y) == [37, 9]          # the stacked totals of those days
    assert "KZ × fraud" in marks[0].hovertext[0]
    assert not fig.layout.annotations and not fig.layout.shapes   # no rotated text, no lines


def test_a_fall_is_marked_as_unusually_low_never_as_a_spike():
    """A KPI event may go down (SLA breaches collapsing: a stopped clock, #15 point 8): its marker
    points down, in its own trace named for the metric (on the SLA attainment line, "SLA
    breaches unusually low"), and its hover says low."""
    trend = pd.DataFrame({"week_start": pd.date_range("2025-03-03", periods=3, freq="7D"),
                          "value": [90.0, 99.0, 80.0]})
    events = pd.DataFrame([_event({}, "2025-03-11", "sla_breach_rate") | {"direction": "down",
                                                                         "observed": 0},
                           _event({}, "2025-03-18", "sla_breach_rate") | {"direction": "up"}])
    fig = go.Figure(go.Scatter(x=trend["week_start"], y=trend["value"]))
    spike_markers.add_weekly(fig, events, trend)
    low = [t for t in fig.data if t.name == "SLA breaches unusually low"]
    high = [t for t in fig.data if t.name == "SLA breaches unusually high"]
    assert len(low) == 1 and len(high) == 1
    assert low[0].marker.symbol == "triangle-down" and list(low[0].y) == [99.0]
    assert low[0].hovertext[0].startswith("SLA breaches unusually low: all cases")
    assert high[0].marker.symbol == "triangle-up" and list(high[0].y) == [80.0]


def test_on_the_attainment_line_a_breach_fall_points_up():
    """The KPIs page draws SLA attainment, watched by the SLA breach rate: breaches unusually low
    is attainment high, so its triangle points up (still the blue of a fall) and says so; a
    breach rise points down. Before, the ServiceNow sample's two breach falls were blue triangles
    pointing down on a rising attainment line: read as bad news."""
    trend = pd.DataFrame({"week_start": pd.date_range("2025-03-03", periods=3, freq="7D"),
                          "value": [90.0, 99.0, 80.0]})
    events = pd.DataFrame([_event({}, "2025-03-11", "sla_breach_rate") | {"direction": "down"},
                           _event({}, "2025-03-18", "sla_breach_rate") | {"direction": "up"}])
    fig = go.Figure(go.Scatter(x=trend["week_start"], y=trend["value"]))
    spike_markers.add_weekly(fig, events, trend, kpi="sla_attainment_pct")
    marks = {t.name: t for t in fig.data if t.mode == "markers"}
    low = marks["SLA breaches unusually low (attainment high)"]
    high = marks["SLA breaches unusually high (attainment low)"]
    assert low.marker.symbol == "triangle-up" and low.marker.color == "#2471a3"
    assert high.marker.symbol == "triangle-down" and high.marker.color == "#c0392b"
