"""Pieces every snapshot page builder uses: the period, KPI tables and protected count tables.

Everything here publishes aggregates only, through analytics/privacy.py: counts below the
threshold become "<10", and statistics of fewer cases than that are not published ("n/p").
"""
from __future__ import annotations

import datetime as dt
import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import db, kpis, privacy, views
from analytics.freshness import as_of, first_row, last_complete  # noqa: F401 (the builders' names)
from analytics.snapshots.model import Request, Section

COUNT_UNITS = ("count",)


def freshness(con) -> dict:
    return first_row(db.query_df(con, "marts/data_freshness"))


def window(con, request: Request) -> tuple[dt.date, dt.date, dict]:
    """(start, end, freshness): the request's dates, else the app's default 90 days."""
    fresh = freshness(con)
    newest = last_complete(fresh) or dt.date.today()
    end = request.end or newest
    start = request.start or views.default_window(end)[0]
    return start, end, fresh


def params(request: Request, start, end, **overrides) -> dict:
    return {"start_date": start, "end_date": end, "markets": list(request.markets) or None,
            "categories": list(request.categories) or None,
            "sources": list(request.sources) or None} | overrides


def kpi_value(name: str, value, base, k: int) -> tuple[str, float]:
    """(text, published number) of one KPI value: counts below k and statistics over fewer than
    k cases are not published."""
    if value is None or pd.isna(value):
        return "n/a", np.nan
    if kpis.KPIS[name].unit in COUNT_UNITS:
        if 0 < value < k:
            return privacy.small_label(k), np.nan
    elif base is None or pd.isna(base) or base < k:
        return privacy.HIDDEN, np.nan
    return kpis.format_value(name, value), float(value)


def denominator(name: str, row: dict):
    return row.get("resolved_cases") if kpis.KPIS[name].cohort == "resolved date" \
        else row.get("cases")


def kpi_compare(names: list[str], periods: dict[str, dict], k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(display, data): one row per KPI, one column per period (e.g. this week, last week)."""
    text, data = [], []
    for name in names:
        shown, numbers = {"KPI": kpis.KPIS[name].label}, {"kpi": name}
        for label, row in periods.items():
            shown[label], numbers[label] = kpi_value(name, row.get(name), denominator(name, row), k)
        text.append(shown)
        data.append(numbers)
    return pd.DataFrame(text), pd.DataFrame(data)


def change_columns(display: pd.DataFrame, data: pd.DataFrame, now: str, before: str,
                   label: str) -> None:
    """Add a '<label> change' column (absolute, and % for non-percent KPIs) in place."""
    def one(row):
        absolute, percent = kpis.change(row[now], row[before])
        if absolute is None or pd.isna(absolute):
            return "—"
        if kpis.KPIS[row["kpi"]].unit == "pct":
            return f"{absolute:+.1f} pp"
        text = ("+" if absolute >= 0 else "-") + kpis.format_value(row["kpi"], abs(absolute))
        return text + ("" if percent is None else f" ({percent:+.0f}%)")
    display[label] = data.apply(one, axis=1)


def counts_section(name: str, title: str, counts: pd.DataFrame, *, k: int, note: str = "",
                   label: str = "segment") -> tuple[Section, privacy.Protected]:
    """A rows × columns count table with totals, small cells suppressed."""
    published = privacy.protect_counts(counts, k=k)
    display = published.display.rename_axis(label).reset_index()
    data = published.values.rename_axis(label).reset_index()
    return Section(name, title, note, display, data), published


def protect_with_sum(values: np.ndarray, window: np.ndarray, k: int) -> np.ndarray:
    """Values with small ones hidden (NaN) when the sum over `window` is also published."""
    values = np.asarray(values, float)
    cells = np.append(values, values[window].sum())
    hidden, _ = privacy.suppress(cells, [(len(values), list(np.flatnonzero(window)))], k)
    return np.where(hidden[:-1], np.nan, values)


def lines(frame: pd.DataFrame, x: str, columns: list[str], *, title: str, y_title: str,
          dashed: tuple[str, ...] = ()) -> go.Figure:
    """A plain line chart; data labels escaped (Plotly renders some HTML in text)."""
    fig = go.Figure()
    for column in columns:
        fig.add_scatter(x=frame[x], y=frame[column], name=html.escape(str(column)), mode="lines",
                        line=dict(dash="dot") if column in dashed else None, connectgaps=False)
    fig.update_layout(title=html.escape(title), yaxis_title=y_title, template="plotly_white",
                      height=380, margin=dict(l=10, r=10, t=50, b=10), hovermode="x unified",
                      legend=dict(orientation="h", y=-0.2))
    return fig


def definitions(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"KPI": [kpis.KPIS[n].label for n in names],
                         "definition": [kpis.KPIS[n].definition for n in names]})
