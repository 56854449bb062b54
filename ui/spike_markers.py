"""Spike events on a trend chart as hover points (#16 point 11), only those of the chart's scope.

A chart of "all selected cases" (the KPIs page's weekly trend) shows only events of exactly that
segment and of the KPI's own metric: a KZ × scam spike does not belong on the all-markets line,
and a case-volume spike does not belong on a resolution-time chart. Each event is one marker on
the line at its peak's week, with its segment, severity and counts on hover, instead of rotated
red text over the data.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from analytics import filtering

# the spike metric watching each KPI of the KPIs page (none: no markers)
METRIC_OF = {"cases": "cases", "sla_attainment_pct": "sla_breach_rate",
             "first_response_median_s": "first_response_median_s",
             "first_response_p90_s": "first_response_median_s"}
FILTER_KEYS = {"market": "markets", "abuse_category": "categories", "source": "sources"}


def same_scope(events: pd.DataFrame, filters, kpi: str) -> pd.DataFrame:
    """The events whose segment is exactly the filters' scope (a dimension filtered to one value
    is named with it, any other dimension is not named) and whose metric watches `kpi`.

    >>> from types import SimpleNamespace as F
    >>> events = pd.DataFrame({"segment": [{}, {"market": "KZ"}, {"market": "KZ", "source": "app"}],
    ...                        "metric": ["cases"] * 3})
    >>> len(same_scope(events, F(markets=(), categories=(), sources=()), "cases"))
    1
    >>> same_scope(events, F(markets=("KZ",), categories=(), sources=()), "cases")["segment"].tolist()
    [{'market': 'KZ'}]
    >>> len(same_scope(events, F(markets=(), categories=(), sources=()), "appeal_rate_pct"))
    0
    """
    metric = METRIC_OF.get(kpi)
    if events.empty or metric is None:
        return events.iloc[:0]
    wanted = {key: getattr(filters, name)[0] for key, name in FILTER_KEYS.items()
              if len(getattr(filters, name)) == 1}
    keep = events["metric"].eq(metric) & events["segment"].map(lambda s: dict(s) == wanted)
    return events[keep.astype(bool)]


# what each metric's event says, and how each direction is drawn: a rise is a red triangle up,
# a fall (SLA breaches or first response unusually low, #15 point 8) a blue triangle down, and the
# legend names the metric, so that on the SLA attainment line "SLA breaches unusually low" is
# never read as a spike or as low attainment
WHAT = {"cases": "Cases", "sla_breach_rate": "SLA breaches",
        "first_response_median_s": "First response time"}
LOOK = {"up": ("triangle-up", "#c0392b", "high"), "down": ("triangle-down", "#2471a3", "low")}


# KPIs whose line moves against the metric watching them: SLA breaches up is attainment down
AGAINST = {"sla_attainment_pct": "attainment"}


def _points(fig: go.Figure, shown: pd.DataFrame, xs: list, ys: list,
            kpi: str | None = None) -> None:
    """The events as hover markers, one trace per metric and direction (a case-count rise is a
    "spike"; what, which way, segment, severity and counts on hover). The triangle points the
    way the plotted line moved: on the SLA attainment line, "SLA breaches unusually low" points
    up (attainment high), in the blue of a fall."""
    shown = shown.reset_index(drop=True)
    directions = (shown["direction"].fillna("up") if "direction" in shown
                  else pd.Series("up", index=shown.index))
    for (metric, direction), rows in shown.groupby([shown["metric"], directions], sort=False):
        symbol, color, word = LOOK.get(direction, LOOK["up"])
        what = f"{WHAT.get(metric, 'Spike')} unusually {word}"
        if kpi in AGAINST:
            symbol = LOOK["down" if direction == "up" else "up"][0]
            what += f" ({AGAINST[kpi]} {'low' if direction == 'up' else 'high'})"
        at = list(rows.index)
        text = [f"{what}: {html.escape(' × '.join(map(str, s.values())) or 'all cases')}<br>"
                f"{sev}, {pd.Timestamp(p):%Y-%m-%d}: {obs:,.0f} vs {exp:,.1f} expected"
                for s, sev, p, obs, exp in zip(rows["segment"], rows["severity"], rows["peak"],
                                               rows["observed"], rows["expected"])]
        fig.add_scatter(x=[xs[i] for i in at], y=[ys[i] for i in at], mode="markers",
                        name="spike" if (metric, direction) == ("cases", "up") else what,
                        marker=dict(symbol=symbol, size=12, color=color,
                                    line=dict(color="#ffffff", width=1)),
                        hovertext=text, hoverinfo="text", showlegend=True)


def add_weekly(fig: go.Figure, events: pd.DataFrame, trend: pd.DataFrame, *, x: str = "week_start",
               y: str = "value", kpi: str | None = None) -> None:
    """One hover marker per event on the weekly line `trend` (x, y) of `kpi`, at its peak's
    week."""
    if events.empty or trend.empty:
        return
    weeks = pd.to_datetime(events["peak"]).dt.normalize()
    weeks = weeks - pd.to_timedelta(weeks.dt.weekday, unit="D")
    line = trend.assign(**{x: pd.to_datetime(trend[x])}).set_index(x)[y]
    on_line = weeks.isin(line.index)
    if not on_line.any():
        return
    shown, weeks = events[on_line.to_numpy()], weeks[on_line]
    _points(fig, shown, list(weeks), [line[w] for w in weeks], kpi)


def market_scope(events: pd.DataFrame, market: str) -> pd.DataFrame:
    """Case-count events of one market's chart split by category: the market's own and its
    categories' (a market × source or another market's event is not this chart's).

    >>> events = pd.DataFrame({"metric": ["cases", "cases", "cases", "sla_breach_rate"],
    ...     "segment": [{"market": "KZ"}, {"market": "KZ", "abuse_category": "scam"},
    ...                 {"market": "KZ", "source": "app"}, {"market": "KZ"}]})
    >>> market_scope(events, "KZ")["segment"].tolist()
    [{'market': 'KZ'}, {'market': 'KZ', 'abuse_category': 'scam'}]
    """
    if events.empty:
        return events
    keep = events["metric"].eq("cases") & events["segment"].map(
        lambda s: dict(s).get("market") == market and set(s) <= {"market", "abuse_category"})
    return events[keep.astype(bool)]


def add_daily(fig: go.Figure, events: pd.DataFrame, *, limit: int = 20) -> None:
    """One hover marker per event on a daily stacked chart, at its peak day's total (the sum of
    the chart's traces that day); events whose peak is off the chart are left out."""
    totals: dict = {}
    for trace in fig.data:
        for x, y in zip(trace.x if trace.x is not None else [], trace.y if trace.y is not None else []):
            if y is not None and pd.notna(y):
                totals[pd.Timestamp(x).normalize()] = totals.get(pd.Timestamp(x).normalize(), 0) + y
    if events.empty or not totals:
        return
    days = pd.to_datetime(events["peak"]).dt.normalize()
    on_chart = days.isin(list(totals)).to_numpy()
    shown, days = events[on_chart].head(limit), days[on_chart].head(limit)
    if shown.empty:
        return
    _points(fig, shown, list(days), [totals[d] for d in days])


def events_in_view(events: pd.DataFrame, filters) -> pd.DataFrame:
    return filtering.events_within(events, start=filters.start, end=filters.end,
                                   markets=filters.markets, categories=filters.categories,
                                   sources=filters.sources)
