"""The Vendors page's tables: each draws one table of the vendor report (shaped by
analytics/vendors/tables.py and drilldown.py) with its column labels and the caption that reads it.

Vendor names and case ids come from the data: shown only through plain widgets or `plain()`.
"""
from __future__ import annotations

import streamlit as st

from analytics import kpis
from analytics.vendors import drilldown
from analytics.vendors import tables as vendor_views
from ui import access as _access
from ui import widgets as _ui

PERIOD_WORDS = {"week": "Week", "month": "Month"}
number, text = st.column_config.NumberColumn, st.column_config.TextColumn
TOP = 5   # attention items shown before "N more"
MIX_COLUMNS = {
    "vendor": "Vendor", "reviews_adjusted": number("Reviews", format="localized"),
    "handle_time_mean_s": number("Mean handle time, s", format="%.0f"),
    "expected_handle_time_mean_s": number("Expected for its mix, s", format="%.0f"),
    "handle_time_vs_expected_pct": number("Handle time vs mix, %", format="%.0f",
                                          help=kpis.KPIS["handle_time_vs_expected_pct"].definition),
    "cases_adjusted": number("Cases", format="localized"),
    "sla_attainment_pct": number("SLA attainment, %", format="%.1f"),
    "expected_sla_attainment_pct": number("Expected for its mix, %", format="%.1f"),
    "sla_attainment_vs_expected_pct": number(
        "SLA vs mix, %", format="%.1f",
        help=kpis.KPIS["sla_attainment_vs_expected_pct"].definition)}


def summary(report, targets) -> None:
    """How many vendors were active in the period and how they stand (counts only)."""
    st.markdown(vendor_views.summary(report, targets))


def scorecard(report, targets) -> None:
    """The active vendors (rows, worst first) × KPIs: RAG cells with the cases behind each."""
    text_table, status_table = vendor_views.grid(report)
    st.dataframe(vendor_views.coloured(text_table, status_table), hide_index=True,
                 key="vendor_scorecard", height=min(35 * (len(text_table) + 1) + 3, 600),
                 column_config={
                     "vendor": text("Vendor", pinned=True),
                     "open_cases": text("Open", help="Open cases at the end of the period"),
                     "resolved_cases": text("Resolved", help="Cases resolved in the period; red: "
                                            "open cases but nothing resolved or decided")} | {
                     k: text(vendor_views.SHORT.get(k, kpis.KPIS[k].label),
                             help=f"{kpis.KPIS[k].label}: {kpis.KPIS[k].definition}")
                     for k in text_table.columns[3:]})
    st.caption(f"Cells: value · n, the cases (decisions, QA samples, appeals) it rests on. Green "
               f"on target · amber off by at most {targets.amber_band_pct:g}% of the target "
               "(the amber band) · red further off · grey: a rate, median or mean on fewer than "
               f"{targets.min_cases} cases (min_cases in data/vendor_targets.toml), too few to "
               "judge · white no target · n/a nothing to measure (no cases, or a 0 s duration). "
               f"{PERIOD_WORDS[report.period]} starting {report.current:%Y-%m-%d}; targets: "
               "data/vendor_targets.toml. SLA, first response and resolution run in business time "
               "(working hours and holidays of the market's calendar, data/calendars.toml; "
               "calendar time where a market has none); handle time is calendar time. Open and "
               "at-risk counts are at the end of the period (at risk: due within "
               f"{targets.at_risk_hours:g} business hours). Market filter applies; date filters "
               "do not.")
    with st.expander("KPI definitions"):
        _ui.define(*[k for k in vendor_views.SCORECARD_KPIS if k in set(report.scorecard["kpi"])])


def _attention_table(table, key: str) -> None:
    st.dataframe(vendor_views.coloured(table, table[["status"]].reindex(
                     columns=table.columns, fill_value="none")),
                 hide_index=True, key=key, height=35 * (len(table) + 1) + 3,
                 column_config={
                     "vendor": "Vendor", "kpi": "KPI", "status": "Status", "value": "Value",
                     "target": "Target", "shortfall_pct": number("Off target by, %", format="%.1f"),
                     "periods_off": number("Periods off in a row"),
                     "off_since": st.column_config.DateColumn("Off target since"),
                     "mix_explains": text("Is it the case mix?", help=kpis.KPIS[
                         "handle_time_vs_expected_pct"].definition)})


def attention(report) -> None:
    """The top items needing attention, worst first, and the rest behind "N more"."""
    if report.attention.empty:
        st.success(f"Every active vendor's KPI with a target is on target in the {report.period} "
                   f"starting {report.current:%Y-%m-%d}.")
        return
    table = vendor_views.attention_table(report.attention)
    _attention_table(table.head(TOP), "vendor_attention")
    if len(table) > TOP:
        with st.expander(f"{len(table) - TOP} more"):
            _attention_table(table.iloc[TOP:], "vendor_attention_more")
    st.caption("First: vendors holding open cases that resolved and decided nothing. Then ranked "
               "by how far off (% of target) × how many periods in a row; misses that the "
               "case mix explains (the vendor's mix-adjusted KPI is on target) come last. Grey "
               "cells (too few cases) are never on this list.")


def queues(report, vendor: str, targets) -> None:
    """The vendor's queues × KPIs of the current period, coloured by status."""
    st.markdown(f"**Queues of {_ui.plain(vendor)}**, {report.period} starting "
                f"{report.current:%Y-%m-%d}")
    queue_text, queue_status = vendor_views.queue_breakdown(report, vendor, targets)
    st.dataframe(vendor_views.coloured(queue_text, queue_status), hide_index=True,
                 key="vendor_queues", column_config={"queue": text("Queue", pinned=True)} | {
                     k: text(kpis.KPIS[k].label, help=kpis.KPIS[k].definition)
                     for k in queue_text.columns[1:]})


def mix(mix_adjusted, report) -> None:
    """Observed vs what all vendors achieve on the same case mix, per vendor."""
    st.markdown("**Is it the case mix?** Observed vs what all vendors achieve on the same mix")
    st.dataframe(vendor_views.coloured(*vendor_views.mix_table(mix_adjusted, report)),
                 hide_index=True, key="vendor_mix", column_config=MIX_COLUMNS)
    st.caption("Observed ÷ expected: handle time above 100 % is slower than the mix explains, SLA "
               "below 100 % misses more than it explains; coloured against the targets of the "
               "two mix-adjusted KPIs.")


def reviewers(reviewer_rows, vendor: str, filters) -> None:
    """Percentiles across the vendor's reviewers, and the outliers among them."""
    st.markdown(f"**Reviewer spread in {_ui.plain(vendor)}** (pseudonymous ids), decisions "
                f"{filters.start:%Y-%m-%d} to {filters.end:%Y-%m-%d} (the sidebar's dates)")
    spread, outliers = drilldown.reviewer_tables(reviewer_rows)
    st.dataframe(spread, hide_index=True, key="vendor_reviewer_spread",
                 column_config={"measure": "Measure", "reviewers": "Reviewers"} | {
                     c: number(c, format="%.1f") for c in ("p10", "p25", "p50", "p75", "p90")})
    if len(outliers):
        st.dataframe(outliers, hide_index=True, key="vendor_reviewer_outliers", column_config={
            "reviewer": "Outlier reviewer", "decisions": "Decisions", "measure": "Measure",
            "value": number("Value", format="%.1f"), "fence": number("Fence", format="%.1f")})
    st.caption("Percentiles across reviewers with at least 20 decisions (5 QA samples for "
               "accuracy); outliers lie beyond 1.5 × IQR from the quartiles, on the slow or "
               "inaccurate side" + ("." if len(outliers) else f": none in {_ui.plain(vendor)}."))


def backlog(open_cases: drilldown.Backlog) -> None:
    """Open cases by queue and age, and the totals with the oldest open case."""
    st.dataframe(open_cases.by_age, hide_index=True, key="vendor_backlog",
                 column_config={"queue": "Queue"})
    if open_cases.oldest_created_at is None:
        return
    oldest_id = (f" {_ui.plain(open_cases.oldest_case_id)}," if _access.can_see_cases()
                 else "")  # partners: no case ids
    st.caption(f"Open cases by age. Open {open_cases.open_cases:,} · breached "
               f"{open_cases.breached:,} · at risk {open_cases.at_risk:,} · oldest open "
               f"case{oldest_id} created {open_cases.oldest_created_at:%Y-%m-%d %H:%M} UTC.")
