"""The KPIs page's heatmap: segments × weeks, coloured on complete weeks only.

A week cut by the data's newest day (still arriving) or by the sidebar's dates holds a few days'
cases: its medians and rates swing far beyond the others, and when it sets the colour scale every
complete week looks alike. So its cells are drawn grey (values still in the text and on hover) and
the colour scale spans the complete weeks' cells alone.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui import charts

GREY = "#d9d9d9"
WORDED = {"abuse_category", "source", "priority"}   # snake_case codes shown as words
WEEK = dt.timedelta(days=6)


def complete_weeks(weeks, start: dt.date, end: dt.date, last_complete: dt.date | None
                   ) -> np.ndarray:
    """Whether each week (its Monday) lies wholly inside the sidebar's dates and the data's
    complete days.

    >>> weeks = pd.to_datetime(["2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"])
    >>> complete_weeks(weeks, dt.date(2026, 3, 10), dt.date(2026, 3, 31), dt.date(2026, 3, 30))
    array([False,  True,  True, False])
    """
    last = min(end, last_complete) if last_complete else end
    mondays = [pd.Timestamp(w).date() for w in weeks]
    return np.array([monday >= start and monday + WEEK <= last for monday in mondays], dtype=bool)


def whole_weeks(weeks, start: dt.date, end: dt.date, last_complete: dt.date | None
                ) -> tuple[dt.date | None, dt.date | None]:
    """(first, last) Monday of the weeks `complete_weeks` counts whole: a weekly line draws the
    weeks before and after them dotted, as the heatmap greys them. With no whole week, (None,
    the Monday before the first week): every point is dotted.

    >>> weeks = pd.to_datetime(["2024-12-30", "2025-01-06", "2025-01-13"])
    >>> whole_weeks(weeks, dt.date(2025, 1, 1), dt.date(2025, 3, 14), dt.date(2025, 1, 15))
    (datetime.date(2025, 1, 6), datetime.date(2025, 1, 6))
    >>> whole_weeks(weeks[:1], dt.date(2025, 1, 1), dt.date(2025, 3, 14), None)
    (None, datetime.date(2024, 12, 23))
    """
    mondays = [pd.Timestamp(w).date() for w in weeks]
    whole = [m for m, ok in zip(mondays, complete_weeks(weeks, start, end, last_complete)) if ok]
    if not whole:
        return None, (min(mondays) - dt.timedelta(days=7) if mondays else None)
    return min(whole), max(whole)


def colour_range(pivot: pd.DataFrame, complete: np.ndarray) -> tuple[float, float] | None:
    """(low, high) of the complete weeks' cells; None when no complete week has a value.

    >>> pivot = pd.DataFrame([[90.0, 95.0, 40.0]], columns=["a", "b", "c"])
    >>> colour_range(pivot, np.array([True, True, False]))
    (90.0, 95.0)
    """
    cells = pivot.loc[:, complete].to_numpy(dtype=float)
    cells = cells[~np.isnan(cells)]
    if not cells.size:
        return None
    low, high = float(cells.min()), float(cells.max())
    return (low, high) if high > low else (low - 1, high + 1)


def figure(pivot: pd.DataFrame, *, complete: np.ndarray, title: str, value_title: str,
           higher_is_better: bool | None, text: pd.DataFrame | None = None) -> go.Figure:
    """charts.heatmap with the weeks not in `complete` grey and out of the colour scale."""
    whole = pd.DataFrame(np.broadcast_to(complete, pivot.shape), pivot.index, pivot.columns)
    fig = charts.heatmap(pivot.where(whole) if complete.any() else pivot,
                         title=title, value_title=value_title,
                         higher_is_better=higher_is_better, text=text)
    span = colour_range(pivot, complete)
    if span is None or complete.all():
        return fig
    fig.data[0].update(zmin=span[0], zmax=span[1])
    grey = pivot.notna().where(~whole).astype(float).where(lambda f: f > 0)   # 1 or a gap
    fig.add_trace(go.Heatmap(
        z=grey.to_numpy(dtype=float), x=list(pivot.columns), y=list(fig.data[0].y),
        colorscale=[[0, GREY], [1, GREY]], showscale=False, hoverongaps=False, name="incomplete",
        text=None if text is None else text.to_numpy(),
        hovertemplate="%{y}<br>week of %{x|%Y-%m-%d} (incomplete: not coloured)<br>%{text}"
                      "<extra></extra>"))
    return fig


def in_words(labels, dimension: str):
    """Segment labels as a reader says them: 'hate_speech' -> 'Hate speech' for categories,
    sources and priorities; markets, vendors and languages as they are.

    >>> list(in_words(pd.Index(["hate_speech", "scam"]), "abuse_category"))
    ['Hate speech', 'Scam']
    >>> list(in_words(pd.Index(["KZ"]), "market"))
    ['KZ']
    """
    if dimension not in WORDED:
        return labels
    return labels.map(lambda v: v if not isinstance(v, str) else
                      v.replace("_", " ").strip().capitalize())
