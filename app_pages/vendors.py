"""Vendors: which vendor misses which KPI, since when, by how much, and is it the case mix.

A scorecard of the latest complete week or month against data/vendor_targets.toml, what needs
attention, and a drill-down into one vendor (kept in the URL as ?vendor=...).
"""
import datetime as dt

import pandas as pd
import streamlit as st

from analytics import kpis, vendor_report, vendor_reviewers, vendor_targets, vendor_views
from app_pages import _charts, _filters, _marts, _ui

PERIOD_WORDS = {"week": "Week", "month": "Month"}
number, text = st.column_config.NumberColumn, st.column_config.TextColumn

filters = st.session_state["filters"]
fresh = _ui.page_header("Vendors", "Which vendor misses which KPI, since when, by how much, and "
                        "whether it is the vendor or the mix of cases it was given.")
_filters.url_widget_value("vendor_period", "period", list(PERIOD_WORDS), "week")
period = st.segmented_control("Period", list(PERIOD_WORDS), key="vendor_period",
                              format_func=PERIOD_WORDS.get) or "week"
targets = vendor_targets.load_targets()
markets = list(filters.markets) or None
report = vendor_report.build_report(_marts.mart, period, markets=markets, targets=targets,
                                    newest_at=_marts.as_of(fresh))
vendors = sorted(report.scorecard["vendor"].unique())
if report.current is None or not vendors:
    st.info("No vendor reviews are loaded for this period, so there is no review scorecard "
            "(decisions, handle time, QA accuracy). Load a reviews export on the Data page.")
    st.info("The loaded cases carry no vendor values either, so SLA and appeals cannot be split "
            "by vendor.")
    st.stop()

st.subheader(f"Scorecard: {period} starting {report.current:%Y-%m-%d}")
table = vendor_views.scorecard_table(report.scorecard)
st.dataframe(table, hide_index=True, key="vendor_scorecard", column_config={"vendor": "Vendor"} | {
    k: text(kpis.KPIS[k].label, help=kpis.KPIS[k].definition) for k in table.columns[1:]})
st.caption(f"🟢 on target · 🟠 off by at most {targets.amber_band_pct:g}% of the target (the amber "
           f"band) · 🔴 further off · ⚪ no target. In brackets: change vs the {period} starting "
           f"{report.previous:%Y-%m-%d}. Targets: data/vendor_targets.toml. SLA, first response "
           "and resolution run in business time (working hours and holidays of the market's "
           "calendar, data/calendars.toml; calendar time where a market has none); handle time "
           "is calendar time. Open and at-risk counts are at the end of the period "
           f"(at risk: due within {targets.at_risk_hours:g} business hours). Hover a column "
           "header for the KPI's definition. Market filter applies; date filters do not.")

st.subheader("What needs attention")
if report.attention.empty:
    st.success(f"Every vendor KPI with a target is on target in the {period} starting "
               f"{report.current:%Y-%m-%d}.")
else:
    st.dataframe(vendor_views.attention_table(report.attention), hide_index=True,
                 key="vendor_attention", column_config={
                     "vendor": "Vendor", "kpi": "KPI", "status": "Status", "value": "Value",
                     "target": "Target", "shortfall_pct": number("Off target by, %", format="%.1f"),
                     "periods_off": number(f"{PERIOD_WORDS[period]}s off in a row"),
                     "off_since": st.column_config.DateColumn("Off target since"),
                     "mix_explains": text("Is it the case mix?", help=kpis.KPIS[
                         "handle_time_vs_expected_pct"].definition)})
    st.caption("Ranked by how far off (% of target) × how many periods in a row; misses that the "
               "case mix explains (the vendor's mix-adjusted KPI is on target) come last.")

st.subheader("Vendor drill-down")
_filters.url_widget_value("vendor_pick", "vendor", vendors, vendors[0])
vendor = st.selectbox("Vendor", vendors, key="vendor_pick")
_filters.sync_url({"vendor": vendor, "period": period})
names = [k for k in vendor_views.SCORECARD_KPIS if k not in vendor_views.STOCK_KPIS]
_filters.url_widget_value("vendor_kpi", "vendor_kpi", names, "handle_time_median_s")
kpi = st.selectbox("KPI", names, key="vendor_kpi", format_func=lambda k: kpis.KPIS[k].label)
_filters.sync_url({"vendor_kpi": kpi})
series = vendor_views.trend(report, vendor, kpi)
factor, y_title = _ui.axis(kpi)
figure = _charts.trend(series.assign(value=series["value"] * factor), "period_start", "value",
                       color="series", title=f"{kpis.KPIS[kpi].label}: {vendor}", y_title=y_title,
                       x_title=f"{PERIOD_WORDS[period]} starting ({_charts.LOCAL_DATES})",
                       last_complete=report.current)
target = vendor_targets.attach_targets(pd.DataFrame({"vendor": [vendor], "queue": [None],
                                                     "kpi": [kpi]}), targets)["target"].iloc[0]
if pd.notna(target):
    figure.add_hline(y=target * factor, line_dash="dash", line_color="#d62728",
                     annotation_text="target", annotation_position="top left")
st.plotly_chart(figure, key="vendor_trend", config=_charts.CONFIG)
_ui.define(kpi)

st.markdown(f"**Queues of {_ui.plain(vendor)}**, {period} starting {report.current:%Y-%m-%d}")
queues = vendor_views.queue_breakdown(report, vendor, targets)
st.dataframe(queues, hide_index=True, key="vendor_queues", column_config={"queue": "Queue"} | {
    k: text(kpis.KPIS[k].label, help=kpis.KPIS[k].definition) for k in queues.columns[1:]})

st.markdown("**Is it the case mix?** Observed vs what all vendors achieve on the same mix")
mix = _marts.mart("vendor_mix_adjusted", period=period, markets=markets)
mix = mix[pd.to_datetime(mix["period_start"]).dt.date == report.current]
st.dataframe(mix.drop(columns=["period_start"]), hide_index=True, key="vendor_mix", column_config={
    "vendor": "Vendor", "reviews_adjusted": number("Reviews", format="localized"),
    "handle_time_mean_s": number("Mean handle time, s", format="%.0f"),
    "expected_handle_time_mean_s": number("Expected for its mix, s", format="%.0f"),
    "handle_time_vs_expected_pct": number("Handle time vs mix, %", format="%.0f",
                                          help=kpis.KPIS["handle_time_vs_expected_pct"].definition),
    "cases_adjusted": number("Cases", format="localized"),
    "sla_attainment_pct": number("SLA attainment, %", format="%.1f"),
    "expected_sla_attainment_pct": number("Expected for its mix, %", format="%.1f"),
    "sla_attainment_vs_expected_pct": number(
        "SLA vs mix, %", format="%.1f", help=kpis.KPIS["sla_attainment_vs_expected_pct"].definition)})

reviewers = _marts.mart("vendor_reviewers", vendors=[vendor], start_date=filters.start,
                        end_date=filters.end, markets=markets)
st.markdown(f"**Reviewer spread in {_ui.plain(vendor)}** (pseudonymous ids), decisions "
            f"{filters.start:%Y-%m-%d} to {filters.end:%Y-%m-%d} (the sidebar's dates)")
spread = vendor_reviewers.reviewer_spread(reviewers)
st.dataframe(spread.drop(columns=["vendor"]).assign(measure=spread["measure"].map(
    {"handle_time_median_s": "Median handle time, s", "qa_accuracy_pct": "QA accuracy, %"})),
    hide_index=True, key="vendor_reviewer_spread")
outliers = vendor_reviewers.reviewer_outliers(reviewers)
st.dataframe(outliers.drop(columns=["vendor"]), hide_index=True, key="vendor_reviewer_outliers")
st.caption("Percentiles across reviewers with at least 20 decisions (5 QA samples for accuracy); "
           "outliers lie beyond 1.5 × IQR from the quartiles, on the slow or inaccurate side.")

st.markdown(f"**Backlog of {_ui.plain(vendor)}** as of the end of a past day (UTC)")
last_day = _marts.as_of(fresh).date()
as_of_day = st.date_input("As of", value=last_day, max_value=last_day, key="vendor_as_of")
backlog = _marts.mart("vendor_backlog_as_of", as_of=_marts.as_of(fresh, as_of_day),
                      at_risk_hours=targets.at_risk_hours, markets=markets)
backlog = backlog[backlog["vendor"] == vendor]
st.dataframe(backlog.pivot_table(index="queue", columns="age_bucket", values="open_cases",
                                 aggfunc="sum", fill_value=0, sort=False).reset_index(),
             hide_index=True, key="vendor_backlog")
if len(backlog):
    oldest = backlog.loc[backlog["oldest_created_at"].idxmin()]
    st.caption(f"Open {int(backlog['open_cases'].sum()):,} · breached "
               f"{int(backlog['open_breached'].sum()):,} · at risk {int(backlog['at_risk'].sum()):,}"
               f" · oldest open case {_ui.plain(oldest['oldest_case_id'])}, created "
               f"{pd.Timestamp(oldest['oldest_created_at']):%Y-%m-%d %H:%M} UTC.")
