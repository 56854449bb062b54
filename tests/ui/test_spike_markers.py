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
