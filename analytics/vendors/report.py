"""Fetch the vendor marts and build the whole vendor report (history, scorecard, attention,
backlog) in one call, for the Vendors page and `python -m analytics vendors` alike.

`query(name, **params)` runs `sql/marts/<name>.sql`: the app passes its cached seam
(`ui/data.mart`, through `ui/data.vendor_report`), the CLI `query_with(con)`. Stock KPIs (open
and breached, at risk) are counted at the end of the current period and of the previous one,
never after the data's newest event.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

import duckdb
import pandas as pd

from analytics import db
from analytics.vendors.attention import attention
from analytics.vendors.scorecard import (
    PERIODS,
    VendorReport,
    activity,
    complete_periods,
    long_history,
    scorecard,
)
from analytics.vendors.targets import Targets, load_targets

Query = Callable[..., pd.DataFrame]


def query_with(con: duckdb.DuckDBPyConnection) -> Query:
    """A `query` callable over one open connection."""
    return lambda name, **params: db.query_df(con, f"marts/{name}", **params)


def period_end_at(start: dt.date, period: str) -> dt.datetime:
    """The first moment (UTC midnight) after the period that starts on `start`.

    >>> period_end_at(dt.date(2026, 2, 1), "month"), period_end_at(dt.date(2026, 3, 2), "week")
    (datetime.datetime(2026, 3, 1, 0, 0), datetime.datetime(2026, 3, 9, 0, 0))
    """
    if period == "week":
        return dt.datetime.combine(start + dt.timedelta(days=7), dt.time())
    first = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(first, dt.time())


def backlog_at(query: Query, as_of: dt.datetime | None, targets: Targets,
               markets: list[str] | None) -> pd.DataFrame:
    return query("vendor_backlog_as_of", as_of=as_of, at_risk_hours=targets.at_risk_hours,
                 markets=markets)


def build_report(query: Query, period: str = "week", *, markets: list[str] | None = None,
                 targets: Targets | None = None, newest_at: dt.datetime | None = None
                 ) -> VendorReport:
    """The vendor report for `period` ('week' or 'month'); `newest_at` caps the as-of time of
    stock KPIs (the data's now: null lets the mart use the newest event)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    targets = targets or load_targets()
    period_kpis = query("vendor_period_kpis", period=period, markets=markets)
    history = long_history(period_kpis,
                           query("vendor_mix_adjusted", period=period, markets=markets))
    periods = complete_periods(history)
    current = periods[-1] if periods else None
    previous = periods[-2] if len(periods) > 1 else None

    def as_of(start):
        if start is None:
            return newest_at
        end = period_end_at(start, period)
        return end if newest_at is None else min(end, newest_at)

    now = backlog_at(query, as_of(current), targets, markets)
    before = backlog_at(query, as_of(previous), targets, markets) if previous else now.iloc[:0]
    active = activity(period_kpis, now, current)
    vendors = active.loc[active["active"], "vendor"].tolist()
    card = scorecard(history, now, before, targets, current, previous, vendors)
    off = pd.concat([idle_backlog(active, current),
                     attention(history, targets, current, vendors)], ignore_index=True)
    return VendorReport(period, current, previous, history, card, off, now, active)


def idle_backlog(active: pd.DataFrame, current) -> pd.DataFrame:
    """Attention rows (kpi resolved_cases, red) for vendors holding open cases that resolved
    and decided nothing in the period: a backlog with no throughput, first on the list."""
    idle = active[active["idle_backlog"]]
    return pd.DataFrame({
        "vendor": idle["vendor"], "kpi": "resolved_cases", "status": "red", "value": 0.0,
        "target": float("nan"), "shortfall_pct": float("nan"), "periods_off": 1,
        "off_since": current, "latest_period": current, "severity": float("inf"),
        "mix_explains": None, "open_cases": idle["open_cases"]})
