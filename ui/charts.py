"""Plotly figures shared by the pages: trends with the incomplete last day marked, bars, heatmaps.

Labels that come from the data (markets, categories, vendors) are HTML-escaped before they
reach Plotly, which renders a subset of HTML (links included) in text.
"""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analytics import startup
from analytics.views.words import human

LOCAL_DATES = "market-local dates"
WEEKS = f"Week starting (Monday, {LOCAL_DATES})"
OTHER = "Other"  # analytics.views.OTHER: the groups outside the top N
VERDICT_COLOURS = {"confirmed": "#c0392b", "false_positive": "#7f8c8d", "expected": "#2e86c1"}
CONFIG = {"displaylogo": False}  # st.plotly_chart's Plotly config for every chart
# Figures take the process-wide default template, set at start-up (analytics/startup.py: naming
# it per figure costs a deep copy of its ~1,000 properties, ~25 ms a figure).
_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), height=360, legend_title_text="",
               hovermode="x unified",
               legend=dict(orientation="h", yanchor="top", y=-0.3, x=0))


DAY_MS = 86_400_000


def date_axis(*, hours: bool = False) -> dict:
    """A time axis in the one date format of the app (2026-03-02, with 14:00 for hours): ticks
    that show the hour only when zoomed below a day, and the hover header to match. Plotly takes
    the first stop whose range holds the tick step, ends included: ticks one day apart (a short
    export's daily chart) are dates, never "2025-10-20 00:00".

    >>> date_axis()["hoverformat"], date_axis(hours=True)["hoverformat"]
    ('%Y-%m-%d', '%Y-%m-%d %H:%M')
    >>> [s["value"] for s in date_axis()["tickformatstops"] if _holds(s["dtickrange"], DAY_MS)][0]
    '%Y-%m-%d'
    """
    return dict(hoverformat="%Y-%m-%d %H:%M" if hours else "%Y-%m-%d",
                tickformatstops=[dict(dtickrange=[None, DAY_MS - 1], value="%Y-%m-%d %H:%M"),
                                 dict(dtickrange=[DAY_MS, None], value="%Y-%m-%d")])


def monday_ticks(weeks, most: int = 9) -> dict:
    """Axis ticks on the Mondays the weekly points stand on, every k-th week so at most `most`
    show. Plotly's own weekly ticks fall on Sundays: a chart of weeks 'starting Monday' read
    2025-01-12 under the point of the week of 2025-01-13.

    >>> t = monday_ticks(pd.to_datetime(["2024-12-30", "2025-01-06", "2025-03-10"]))
    >>> t["tick0"], t["dtick"] == 7 * DAY_MS * 2, t["tickmode"]
    ('2024-12-30', True, 'linear')
    >>> monday_ticks([])
    {}
    """
    days = sorted(pd.Timestamp(w) for w in weeks)
    if not days:
        return {}
    first = days[0] - pd.Timedelta(days=days[0].weekday())
    step = max(1, -(-((days[-1] - first).days // 7 + 1) // most))
    return dict(tickmode="linear", tick0=f"{first:%Y-%m-%d}", dtick=step * 7 * DAY_MS,
                tickformat="%Y-%m-%d")


def _holds(dtickrange: list, step: int) -> bool:
    """Whether a tick step falls in a stop's range as Plotly reads it (both ends included)."""
    low, high = dtickrange
    return (low is None or step >= low) and (high is None or step <= high)


def safe_labels(values: pd.Series) -> pd.Series:
    """Data labels in words (analytics/views/words.py) made safe for Plotly text (escape <, >, &)."""
    return values.astype("str").fillna("(unknown)").map(human).map(html.escape)


def mark_incomplete(fig: go.Figure, last_complete: dt.date | None, last_shown) -> None:
    """Shade the days after `last_complete`: still arriving, so a low value there is no dip."""
    if last_complete is None or last_shown is None or pd.isna(last_shown):
        return
    band_start = pd.Timestamp(last_complete) + pd.Timedelta(hours=12)
    band_end = pd.Timestamp(last_shown) + pd.Timedelta(hours=12)
    if band_end <= band_start:
        return
    fig.add_vrect(x0=band_start, x1=band_end, fillcolor="#999999", opacity=0.18, line_width=0,
                  annotation_text="incomplete", annotation_position="top left",
                  annotation_font_size=11)


def mark_export_start(fig: go.Figure, first_day: dt.date, shown_from: dt.date) -> bool:
    """A line at the data's first day when the chart starts there (a stock such as the open
    backlog builds up from 0 from it); whether it was drawn."""
    if shown_from > first_day:
        return False
    fig.add_vline(x=pd.Timestamp(first_day), line_dash="dot", line_color="#888888",
                  annotation_text="export starts", annotation_position="top right",
                  annotation_font_size=11)
    return True


def covered_runs(frame: pd.DataFrame, x: str, y: str) -> list[tuple]:
    """(first, last) of each run of consecutive days on which some row of `frame` has a value;
    a day where every `y` is missing (no export covers it) ends a run.

    >>> f = pd.DataFrame({"d": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03",
    ...                                         "2026-01-04"]), "n": [1, float("nan"), 2, 0]})
    >>> [(a.day, b.day) for a, b in covered_runs(f, "d", "n")]
    [(1, 1), (3, 4)]
    """
    known = frame.groupby(x)[y].apply(lambda v: v.notna().any()).sort_index()
    runs, first, last = [], None, None
    for day, is_known in known.items():
        if is_known and first is None:
            first = day
        if is_known:
            last = day
        elif first is not None:
            runs.append((first, last))
            first = None
    return runs + ([(first, last)] if first is not None else [])


def mark_uncovered(fig: go.Figure, runs: list[tuple]) -> None:
    """Shade the stretches between covered runs: no loaded export covers those days."""
    for (_, before), (after, _) in zip(runs, runs[1:]):
        fig.add_vrect(x0=pd.Timestamp(before) + pd.Timedelta(hours=12),
                      x1=pd.Timestamp(after) - pd.Timedelta(hours=12), fillcolor="#eeeeee",
                      opacity=0.6, line_width=0, annotation_text="no data loaded",
                      annotation_position="top left", annotation_font_size=11)


def stacked(frame: pd.DataFrame, x: str, y: str, color: str, *, title: str, y_title: str,
            last_complete: dt.date | None = None,
            x_title: str = f"Created date ({LOCAL_DATES})") -> go.Figure:
    """Stacked areas per `color` group over `x` (total and mix at once); incomplete days shaded.
    Days whose `y` is missing in every group (no export covers them: ui/data.with_gaps) are a
    gap, not a zero: each run of covered days is a stack of its own."""
    fig = go.Figure()
    runs = covered_runs(frame, x, y) if len(frame) else []
    palette = pio.templates[startup.PLOTLY_TEMPLATE].layout.colorway or ("#1f77b4",)
    groups = frame.groupby(safe_labels(frame[color]), sort=False)
    for number, (name, rows) in enumerate(groups):
        rows = rows.sort_values(x)
        colour = "#bbbbbb" if name == OTHER else palette[number % len(palette)]
        for run, (first, last) in enumerate(runs):
            part = rows[(rows[x] >= first) & (rows[x] <= last)]
            fig.add_scatter(x=part[x], y=part[y].fillna(0), name=name, mode="lines",
                            stackgroup=f"run{run}", legendgroup=name, showlegend=run == 0,
                            line=dict(width=0.5, color="white"), fillcolor=colour)
    mark_uncovered(fig, runs)
    mark_incomplete(fig, last_complete, frame[x].max() if len(frame) else None)
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, **_LAYOUT)
    fig.update_xaxes(**date_axis())
    return fig


def broken_at_gaps(rows: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """The rows with a blank point inside every stretch of time longer than twice the series'
    usual step, so a line breaks where no export covers the time (two exports years apart)
    instead of drawing a straight line across it.

    >>> weeks = pd.to_datetime(["2016-01-04", "2016-01-11", "2016-01-18", "2025-01-06", "2025-01-13"])
    >>> broken_at_gaps(pd.DataFrame({"w": weeks, "v": [1.0, 2, 3, 4, 5]}), "w", "v")["v"].tolist()
    [1.0, 2.0, 3.0, nan, 4.0, 5.0]
    """
    if len(rows) < 3 or not pd.api.types.is_datetime64_any_dtype(rows[x]):
        return rows
    steps = rows[x].diff()
    gaps = rows.loc[steps > 2 * steps.median(), x]
    if gaps.empty:
        return rows
    blanks = pd.DataFrame({x: gaps - steps[gaps.index] / 2, y: float("nan")})
    return pd.concat([rows, blanks]).sort_values(x, kind="stable").reset_index(drop=True)


def trend(frame: pd.DataFrame, x: str, y: str, *, title: str, y_title: str,
          color: str | None = None, last_complete: dt.date | None = None,
          x_title: str = f"Created date ({LOCAL_DATES})",
          first_complete: dt.date | None = None) -> go.Figure:
    """A line per `color` group over `x`; the still-incomplete days are dotted and shaded, and
    so are the points before `first_complete` (a first week cut by the dates or the export's
    start: a few days' cases, not a week's)."""
    fig = go.Figure()
    groups = frame.groupby(safe_labels(frame[color]), sort=False) if color else [("", frame)]
    cut = pd.Timestamp(last_complete) if last_complete is not None else None
    start = pd.Timestamp(first_complete) if first_complete is not None else None
    for name, rows in groups:
        rows = broken_at_gaps(rows.sort_values(x), x, y)
        solid = rows if cut is None else rows[rows[x] <= cut]
        solid = solid if start is None else solid[solid[x] >= start]
        line = dict(color="#aaaaaa") if name == OTHER else None  # the rest recedes
        fig.add_scatter(x=solid[x], y=solid[y], name=name or y_title, mode="lines",
                        legendgroup=name, showlegend=bool(color), line=line)
        dotted = dict(mode="lines", legendgroup=name, line=dict(dash="dot", color="#888888"),
                      showlegend=False, name=f"{name or y_title} (incomplete)")
        if start is not None and (rows[x] < start).any():
            fig.add_scatter(x=(head := rows[rows[x] <= (solid[x].min() if len(solid) else
                                                         rows[x].max())])[x], y=head[y], **dotted)
        if cut is not None and (rows[x] > cut).any():
            tail = rows[rows[x] >= solid[x].max()] if len(solid) else rows
            fig.add_scatter(x=tail[x], y=tail[y], **dotted)
    mark_incomplete(fig, last_complete, frame[x].max() if len(frame) else None)
    if start is not None and len(frame) and frame[x].min() < start:
        fig.add_vrect(x0=frame[x].min() - pd.Timedelta(hours=12), x1=start - pd.Timedelta(hours=12),
                      fillcolor="#999999", opacity=0.18, line_width=0, annotation_text="partial",
                      annotation_position="top left", annotation_font_size=11)
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, **_LAYOUT)
    fig.update_xaxes(**date_axis())
    return fig


def target_trend(chart, *, title: str, x_title: str, last_complete: dt.date) -> go.Figure:
    """A vendor KPI over the periods (analytics/vendors/drilldown.TrendChart) against the median
    of all vendors, its target dashed and its current run off target shaded."""
    fig = trend(chart.series, "period_start", "value", color="series", title=title,
                y_title=chart.y_title, x_title=x_title, last_complete=last_complete)
    starts = pd.to_datetime(chart.series["period_start"]).drop_duplicates().sort_values()
    if len(starts) > 1 and starts.diff().dropna().eq(pd.Timedelta(days=7)).any():   # weeks
        fig.update_xaxes(**monday_ticks(starts))
    if chart.target is not None:
        fig.add_hline(y=chart.target, line_dash="dash", line_color="#d62728",
                      annotation_text="target", annotation_position="top left")
    if chart.off_since is not None:
        fig.add_vrect(x0=pd.Timestamp(chart.off_since), x1=pd.Timestamp(last_complete),
                      fillcolor="#d62728", opacity=0.08, line_width=0,
                      annotation_position="top left",
                      annotation_text=f"off target since {chart.off_since:%Y-%m-%d}")
    return fig


def bars(frame: pd.DataFrame, label: str, value: str, *, title: str, value_title: str,
         text: pd.Series | None = None) -> go.Figure:
    """Horizontal bars, largest on top; a short bar's text sits beside it (inside a bar of
    0 % it was not drawn at all, which read as no value)."""
    values = pd.to_numeric(frame[value], errors="coerce").fillna(0)
    room = values.abs().max() or 1
    fig = go.Figure(go.Bar(y=safe_labels(frame[label]), x=frame[value], orientation="h",
                           text=text, marker_color="#1f5fa8", cliponaxis=False,
                           textposition=["auto" if abs(v) >= room / 3 else "outside"
                                         for v in values]))
    height = max(220, 28 * len(frame) + 90)
    fig.update_layout(title=title, xaxis_title=value_title, yaxis=dict(autorange="reversed"),
                      **(_LAYOUT | dict(height=height, hovermode="closest")))
    return fig


def heatmap(pivot: pd.DataFrame, *, title: str, value_title: str, higher_is_better: bool | None,
            text: pd.DataFrame | None = None) -> go.Figure:
    """Segments (rows) × weeks (columns); green is good whichever way the KPI points."""
    scale = "RdYlGn" if higher_is_better in (True, None) else "RdYlGn_r"
    if higher_is_better is None:
        scale = "Blues"
    fig = go.Figure(go.Heatmap(
        z=pivot.to_numpy(dtype=float), x=list(pivot.columns),
        y=list(safe_labels(pd.Series(pivot.index))), colorscale=scale,
        colorbar=dict(title=dict(text=value_title)),
        text=None if text is None else text.to_numpy(), hoverongaps=False,
        hovertemplate="%{y}<br>week of %{x|%Y-%m-%d}<br>%{text}<extra></extra>"
        if text is not None else None))
    height = max(260, 26 * len(pivot) + 120)
    fig.update_layout(title=title, xaxis_title=f"Week starting (Monday, {LOCAL_DATES})",
                      yaxis=dict(autorange="reversed"),
                      **(_LAYOUT | dict(height=height, hovermode="closest")))
    fig.update_xaxes(**monday_ticks(pivot.columns))
    return fig

# The Spikes page's chart: observed against expected and its band, the event shaded, its verdict.
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
    layout = dict(_LAYOUT, hovermode="x unified")
    fig.update_layout(title="Observed vs expected",
                      yaxis_title=Y_TITLES.get(event.get("metric", "cases"), "Cases"),
                      xaxis_title=f"Bucket ({LOCAL_DATES})", **layout)
    fig.update_xaxes(**date_axis(hours=event.get("grain", "day") != "day"))
    return fig
