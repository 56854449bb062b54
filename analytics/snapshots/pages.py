"""What each page's snapshot holds (Overview, Markets, KPIs here; Spikes and Trends in
snapshot_detect.py; Vendors and the weekly business review in snapshot_wbr.py).

A builder takes a read-only connection and a `Request` and returns a `Snapshot` of aggregated,
small-cell protected sections. Tables that share cells are derived from one protected table
(a market's category totals are the total row of its day × category table), so a cell hidden in
one table is never published in another.
"""
from __future__ import annotations

import pandas as pd

from analytics import coverage, db, kpis, privacy, views
from analytics.snapshots.model import Request, Section, Snapshot
from analytics.views import defaults
from analytics.snapshots.parts import (
    as_of,
    change_columns,
    counts_section,
    kpi_compare,
    lines,
    params,
    window,
)

TILES = ["cases", "resolved_cases", "sla_attainment_pct", "first_response_median_s",
         "resolution_median_s", "appeal_rate_pct", "overturn_rate_pct", "open_backlog",
         "open_breached"]
KPI_CHOICES = ["sla_attainment_pct", "first_response_median_s", "first_response_p90_s",
               "resolution_median_s", "resolution_p90_s", "appeal_rate_pct",
               "overturn_rate_pct", "cases"]
DIMENSIONS = ("market", "abuse_category", "vendor", "source", "language", "priority")


NO_EARLIER_DATA = "no earlier data"


def period_text(start, end) -> str:
    return f"{start:%Y-%m-%d} to {end:%Y-%m-%d} (created, market-local dates)"


def kpi_section(con, request: Request, start, end, fresh, k, **overrides):
    """KPIs of the period against the period of equal length before."""
    before = views.previous_window(start, end)
    rows = {label: db.query_df(con, "marts/kpi_summary", **params(request, s, e, **overrides),
                               as_of=as_of(fresh, e)).iloc[0].to_dict()
            for label, (s, e) in {"this period": (start, end), "period before": before}.items()}
    display, data = kpi_compare(TILES, rows, k)
    change_columns(display, data, "this period", "period before", "change")
    note = (f"Period before: {before[0]:%Y-%m-%d} to {before[1]:%Y-%m-%d}. Open backlog counts "
            "are as of each period's end.")
    covered = coverage.load(con).mask   # a period before the data is no baseline (#16 point 3)
    if defaults.covered_share(lambda days: covered(days, "day"), *before) < 1.0:
        display["change"] = NO_EARLIER_DATA
        note += " The loaded data does not cover all of the period before: no changes shown."
    return Section("kpis", "Key figures", note, display, data)


def weekly_by(con, request, start, end, by: str, k: int, title: str, **overrides) -> list[Section]:
    """Weeks × the top 8 values of `by` (the rest as Other), protected with its totals: a chart
    of the weeks and a table of the whole period (the table's Total row)."""
    daily = db.query_df(con, "marts/daily_volume", **params(request, start, end, **overrides))
    if daily.empty:
        return [Section(f"weekly_by_{by}", title, "No cases for this selection.")]
    top = views.top_n(daily, by, "cases", 8)
    week = pd.to_datetime(top["created_date"])
    top = top.assign(week_start=(week - pd.to_timedelta(week.dt.day_of_week, unit="D")).dt.date)
    table = top.pivot_table(index="week_start", columns=by, values="cases", aggfunc="sum",
                            fill_value=0)
    weekly, published = counts_section(f"weekly_by_{by}", title, table, k=k, label="week_start")
    chart = published.values.drop(index=privacy.TOTAL).reset_index()
    weekly.figure = lines(chart, "week_start", [*table.columns, privacy.TOTAL], title=title,
                          y_title="Cases per week", dashed=(privacy.TOTAL,))
    weekly.table, weekly.note = None, "Weeks start on Monday; the first and last may be partial."
    shown = published.display.loc[[privacy.TOTAL]].T.rename(columns={privacy.TOTAL: "cases"})
    values = published.values.loc[[privacy.TOTAL]].T.rename(columns={privacy.TOTAL: "cases"})
    totals = Section(f"cases_by_{by}", f"Cases by {by.replace('_', ' ')}, whole period", "",
                     shown.rename_axis(by).reset_index(), values.rename_axis(by).reset_index())
    return [weekly, totals]


def overview(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    start, end, fresh = window(con, request)
    sections = [kpi_section(con, request, start, end, fresh, k),
                *weekly_by(con, request, start, end, "region", k, "Cases per week, by region")]
    return Snapshot(request, "Overview", period_text(start, end), as_of(fresh), sections, TILES)


def _pick_market(con, request: Request, start, end) -> str | None:
    if request.selection.get("market"):
        return request.selection["market"]
    if request.markets:
        return request.markets[0]
    daily = db.query_df(con, "marts/daily_volume", **params(request, start, end))
    return None if daily.empty else daily.groupby("market")["cases"].sum().idxmax()


def markets(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    start, end, fresh = window(con, request)
    market = _pick_market(con, request, start, end)
    sections = [kpi_section(con, request, start, end, fresh, k, markets=[market])]
    sections += weekly_by(con, request, start, end, "abuse_category", k,
                          f"{market}: cases per week by abuse category", markets=[market])
    segments = db.query_df(con, "marts/kpi_by_segment", **params(request, start, end,
                                                                  markets=[market]))
    for dimension in ("source", "language"):
        rows = segments[segments["dimension"] == dimension].set_index("segment")[["cases"]]
        sections.append(counts_section(f"{dimension}s", f"{market}: cases by {dimension}", rows,
                                       k=k, label=dimension)[0])
    return Snapshot(request, f"Markets: {market}",
                    period_text(start, end), as_of(fresh), sections, TILES)


def kpi_page(con, request: Request) -> Snapshot:
    k = privacy.threshold()
    start, end, fresh = window(con, request)
    name = request.selection.get("kpi") or KPI_CHOICES[0]
    by = request.selection.get("by") or "market"
    if name not in kpis.KPIS or by not in DIMENSIONS:
        raise ValueError(f"unknown KPI {name!r} or dimension {by!r}")
    kpi = kpis.KPIS[name]
    base = "resolved_cases" if kpi.cohort == "resolved date" else "cases"
    weekly = db.query_df(con, "marts/kpi_by_segment_week", **params(request, start, end))
    overall = privacy.mask_rates(weekly[weekly["dimension"] == "all"], base, [name], k=k)
    trend = Section("weekly", f"{kpi.label}, week by week", kpi.definition,
                    data=overall[["week_start", name]].rename(columns={name: kpi.label}))
    trend.figure = lines(overall.assign(week_start=pd.to_datetime(overall["week_start"])),
                         "week_start", [name], title=f"{kpi.label}, all selected cases",
                         y_title=kpi.label)
    rows = db.query_df(con, "marts/kpi_by_segment", **params(request, start, end))
    rows = rows[rows["dimension"] == by].set_index("segment")
    counts, published = counts_section("by_segment", f"{kpi.label} by {by}", rows[["cases"]],
                                       k=k, label=by)
    stats = privacy.mask_rates(rows, base, [name], k=k)[name]
    counts.table[kpi.label] = counts.table[by].map(
        lambda s: kpis.format_value(name, stats.get(s)) if s in stats and pd.notna(stats.get(s))
        else privacy.HIDDEN if s in stats else "")
    counts.data[kpi.label] = counts.data[by].map(stats)
    counts.note = (f"{kpi.label} is not published (n/p) for segments with fewer than {k} "
                   f"{base.replace('_', ' ')}.")
    return Snapshot(request, f"KPIs: {kpi.label} by {by}", period_text(start, end),
                    as_of(fresh), [trend, counts], [name])
