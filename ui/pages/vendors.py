"""Vendors: which vendor misses which KPI, since when, by how much, and is it the case mix.

A scorecard of the latest complete week or month against data/vendor_targets.toml, what needs
attention, and a drill-down into one vendor (kept in the URL as ?vendor=...).
"""
import datetime as dt

import pandas as pd
import streamlit as st

from analytics import kpis
from analytics.vendors import report as vendor_report
from analytics.vendors import reviewers as vendor_reviewers
from analytics.vendors import tables as vendor_views
from analytics.vendors import targets as vendor_targets
from ui import access as _access
from ui import charts, data
from ui import filters as _filters
from ui import widgets as _ui

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
report = vendor_report.build_report(data.mart, period, markets=markets, targets=targets,
                                    newest_at=data.as_of(fresh))
vendors = sorted(report.scorecard["vendor"].unique())
if report.current is None or not vendors:
    st.info("No vendor reviews are loaded for this period, so there is no review scorecard "
            "(decisions, handle time, QA accuracy). Load a reviews export on the Data page.")
    st.info("The loaded cases carry no vendor values either, so SLA and appeals cannot be split "
            "by vendor.")
    st.stop()

st.subheader(f"At a glance: {period} starting {report.current:%Y-%m-%d}")
# st.error is kept for failures of the page itself; a red miss is a warning with its own icon
BOXES = {"error": (st.warning, ":material/error:"), "warning": (st.warning, ":material/warning:"),
         "info": (st.info, ":material/balance:"), "success": (st.success, ":material/check_circle:")}
for level, name, line in vendor_views.headlines(report):
    box, icon = BOXES[level]
    box(f"**{_ui.plain(name)}** {line}", icon=icon)

st.subheader("Scorecard")
text_table, status_table = vendor_views.scorecard_table(report.scorecard)
st.dataframe(vendor_views.coloured(text_table, status_table), hide_index=True,
             key="vendor_scorecard", height=35 * (len(text_table) + 1) + 3,
             column_config={"kpi": st.column_config.TextColumn("KPI", pinned=True)})
st.caption(f"Cell colour: green on target · amber off by at most {targets.amber_band_pct:g}% of "
           f"the target (the amber band) · red further off · white no target. In brackets: change "
           f"vs the {period} starting {report.previous:%Y-%m-%d}. Targets: "
           "data/vendor_targets.toml. SLA, first response and resolution run in business time "
           "(working hours and holidays of the market's calendar, data/calendars.toml; calendar "
           "time where a market has none); handle time is calendar time. Open and at-risk counts "
           f"are at the end of the period (at risk: due within {targets.at_risk_hours:g} business "
           "hours). Market filter applies; date filters do not.")
with st.expander("KPI definitions"):
    _ui.define(*[k for k in vendor_views.SCORECARD_KPIS if k in set(report.scorecard["kpi"])])

st.subheader("What needs attention")
if report.attention.empty:
    st.success(f"Every vendor KPI with a target is on target in the {period} starting "
               f"{report.current:%Y-%m-%d}.")
else:
    attention = vendor_views.attention_table(report.attention)
    st.dataframe(vendor_views.coloured(attention, attention[["status"]].reindex(
                     columns=attention.columns, fill_value="none")),
                 hide_index=True, key="vendor_attention", height=35 * (len(attention) + 1) + 3,
                 column_config={
                     "vendor": "Vendor", "kpi": "KPI", "status": "Status", "value": "Value",
                     "target": "Target", "shortfall_pct": number("Off target by, %", format="%.1f"),
                     "periods_off": number(f"{PERIOD_WORDS[period]}s off in a row"),
                     "off_since": st.column_config.DateColumn("Off target since"),
                     "mix_explains": text("Is it the case mix?", help=kpis.KPIS[
                         "handle_time_vs_expected_pct"].definition)})
    st.caption("Ranked by how far off (% of target) × how many periods in a row; misses that the "
               "case mix explains (the vendor's mix-adjusted KPI is on target) come last.")

st.subheader("Vendor drill-down")
focus_vendor, _ = vendor_views.focus(report)
_filters.url_widget_value("vendor_pick", "vendor", vendors, focus_vendor or vendors[0])
vendor = st.selectbox("Vendor", vendors, key="vendor_pick")
_filters.sync_url({"vendor": vendor, "period": period})
names = [k for k in vendor_views.SCORECARD_KPIS if k not in vendor_views.STOCK_KPIS]
worst = report.attention.loc[report.attention["vendor"] == vendor, "kpi"]
_filters.url_widget_value("vendor_kpi", "vendor_kpi", names,
                          worst.iloc[0] if len(worst) else "handle_time_median_s")
kpi = st.selectbox("KPI", names, key="vendor_kpi", format_func=lambda k: kpis.KPIS[k].label)
_filters.sync_url({"vendor_kpi": kpi})
series = vendor_views.trend(report, vendor, kpi)
factor, y_title = vendor_views.axis(kpi, series["value"])
figure = charts.trend(series.assign(value=series["value"] * factor), "period_start", "value",
                       color="series", title=f"{kpis.KPIS[kpi].label}: {vendor}", y_title=y_title,
                       x_title=f"{PERIOD_WORDS[period]} starting ({charts.LOCAL_DATES})",
                       last_complete=report.current)
target = vendor_targets.attach_targets(pd.DataFrame({"vendor": [vendor], "queue": [None],
                                                     "kpi": [kpi]}), targets)["target"].iloc[0]
if pd.notna(target):
    figure.add_hline(y=target * factor, line_dash="dash", line_color="#d62728",
                     annotation_text="target", annotation_position="top left")
miss = report.attention[(report.attention["vendor"] == vendor) & (report.attention["kpi"] == kpi)]
if len(miss):
    figure.add_vrect(x0=pd.Timestamp(miss["off_since"].iloc[0]), x1=pd.Timestamp(report.current),
                     fillcolor="#d62728", opacity=0.08, line_width=0, annotation_position="top left",
                     annotation_text=f"off target since {miss['off_since'].iloc[0]:%Y-%m-%d}")
st.plotly_chart(figure, key="vendor_trend", config=charts.CONFIG)
_ui.define(kpi)

st.markdown(f"**Queues of {_ui.plain(vendor)}**, {period} starting {report.current:%Y-%m-%d}")
queue_text, queue_status = vendor_views.queue_breakdown(report, vendor, targets)
st.dataframe(vendor_views.coloured(queue_text, queue_status), hide_index=True,
             key="vendor_queues", column_config={"queue": text("Queue", pinned=True)} | {
                 k: text(kpis.KPIS[k].label, help=kpis.KPIS[k].definition)
                 for k in queue_text.columns[1:]})

st.markdown("**Is it the case mix?** Observed vs what all vendors achieve on the same mix")
mix = data.mart("vendor_mix_adjusted", period=period, markets=markets)
mix = vendor_views.mix_table(mix, report)
st.dataframe(vendor_views.coloured(*mix), hide_index=True, key="vendor_mix", column_config={
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
st.caption("Observed ÷ expected: handle time above 100 % is slower than the mix explains, SLA "
           "below 100 % misses more than it explains; coloured against the targets of the two "
           "mix-adjusted KPIs.")

reviewers = data.mart("vendor_reviewers", vendors=[vendor], start_date=filters.start,
                        end_date=filters.end, markets=markets)
st.markdown(f"**Reviewer spread in {_ui.plain(vendor)}** (pseudonymous ids), decisions "
            f"{filters.start:%Y-%m-%d} to {filters.end:%Y-%m-%d} (the sidebar's dates)")
spread = vendor_reviewers.reviewer_spread(reviewers)
st.dataframe(spread.drop(columns=["vendor"]).assign(measure=spread["measure"].map(
    {"handle_time_median_s": "Median handle time, s", "qa_accuracy_pct": "QA accuracy, %"})),
    hide_index=True, key="vendor_reviewer_spread", column_config={"measure": "Measure", "reviewers": "Reviewers"} | {
        c: number(c, format="%.1f") for c in ("p10", "p25", "p50", "p75", "p90")})
outliers = vendor_reviewers.reviewer_outliers(reviewers)
if len(outliers):
    st.dataframe(outliers.drop(columns=["vendor"]).assign(measure=outliers["measure"].map(
                     {"handle_time_median_s": "Median handle time, s",
                      "qa_accuracy_pct": "QA accuracy, %"})), hide_index=True,
                 key="vendor_reviewer_outliers", column_config={
                     "reviewer": "Outlier reviewer", "decisions": "Decisions", "measure": "Measure",
                     "value": number("Value", format="%.1f"), "fence": number("Fence", format="%.1f")})
st.caption("Percentiles across reviewers with at least 20 decisions (5 QA samples for accuracy); "
           "outliers lie beyond 1.5 × IQR from the quartiles, on the slow or inaccurate side"
           + ("." if len(outliers) else f": none in {_ui.plain(vendor)}."))

st.markdown(f"**Backlog of {_ui.plain(vendor)}** as of the end of a past day (UTC)")
last_day = data.as_of(fresh).date()
as_of_day = st.date_input("As of", value=last_day, max_value=last_day, key="vendor_as_of")
backlog = data.mart("vendor_backlog_as_of", as_of=data.as_of(fresh, as_of_day),
                      at_risk_hours=targets.at_risk_hours, markets=markets)
backlog = backlog[backlog["vendor"] == vendor]
st.dataframe(vendor_views.backlog_by_age(backlog), hide_index=True, key="vendor_backlog",
             column_config={"queue": "Queue"})
if len(backlog):
    oldest = backlog.loc[backlog["oldest_created_at"].idxmin()]
    oldest_id = (f" {_ui.plain(oldest['oldest_case_id'])}," if _access.can_see_cases()
                 else "")  # partners: no case ids
    st.caption(f"Open cases by age. Open {int(backlog['open_cases'].sum()):,} · breached "
               f"{int(backlog['open_breached'].sum()):,} · at risk {int(backlog['at_risk'].sum()):,}"
               f" · oldest open case{oldest_id} created "
               f"{pd.Timestamp(oldest['oldest_created_at']):%Y-%m-%d %H:%M} UTC.")
from ui.share import share; share("vendors")  # noqa: E402,E702 (issue 6)
