"""The Spikes page's chart: observed counts against the expected value and its band, the event
shaded, and its triage verdict as an annotation."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from app_pages import _charts
from app_pages._spikes_data import VERDICT_COLOURS


Y_TITLES = {"cases": "Cases", "sla_breach_rate": "SLA breach rate (of resolved cases)",
            "first_response_median_s": "Median first response (seconds)"}


def band(window: pd.DataFrame, event: dict, verdict: dict | None) -> go.Figure:
    """Observed, expected and the 98% band of one segment around one event."""
    fig = go.Figure()
    x = window["bucket"]
    fig.add_scatter(x=x, y=window["band_high"], mode="lines", line=dict(width=0),
                    showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=x, y=window["band_low"], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(31,95,168,0.15)", name="usual band (98%)")
    fig.add_scatter(x=x, y=window["expected"], mode="lines", name="expected",
                    line=dict(color="#1f5fa8", dash="dash"))
    observed = "value" if "value" in window else "cases"   # a rate/duration KPI, or counts
    fig.add_scatter(x=x, y=window[observed], mode="lines+markers", name="observed",
                    line=dict(color="#222222"), marker=dict(size=4))
    flagged = window[window["is_anomaly"]]
    fig.add_scatter(x=flagged["bucket"], y=flagged[observed], mode="markers", name="anomalous",
                    marker=dict(color="#c0392b", size=9))
    step = pd.Timedelta(hours=12) if event.get("grain", "day") == "day" else pd.Timedelta(minutes=30)
    colour = VERDICT_COLOURS.get((verdict or {}).get("verdict"), "#c0392b")
    text = "spike" if not verdict else f"{verdict['verdict'].replace('_', ' ')}" + (
        f" ({html.escape(str(verdict['owner']))})" if verdict.get("owner") else "")
    fig.add_vrect(x0=pd.Timestamp(event["start"]) - step, x1=pd.Timestamp(event["end"]) + step,
                  fillcolor=colour, opacity=0.12, line_width=0)
    fig.add_annotation(x=pd.Timestamp(event["peak"]), y=1, yref="paper", text=text,
                       showarrow=False, font=dict(color=colour), yanchor="bottom")
    layout = dict(_charts._LAYOUT, hovermode="x unified")
    fig.update_layout(title="Observed vs expected",
                      yaxis_title=Y_TITLES.get(event.get("metric", "cases"), "Cases"),
                      xaxis_title=f"Bucket ({_charts.LOCAL_DATES})", **layout)
    return fig
