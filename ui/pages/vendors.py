"""Vendors: which vendor misses which KPI, since when, by how much, and is it the case mix.

A scorecard of the latest complete week or month against data/vendor_targets.toml, what needs
attention, and a drill-down into one vendor (kept in the URL as ?vendor=...).
"""
import datetime as dt

import streamlit as st

from analytics import kpis
from analytics.vendors import drilldown
from ui import charts, data
from ui import filters as _filters
from ui import vendor_tables as tables
from ui import widgets as _ui

PERIOD_WORDS = tables.PERIOD_WORDS

filters = st.session_state["filters"]
fresh = _ui.page_header("Vendors", "Which vendor misses which KPI, since when, by how much, and "
                        "whether it is the vendor or the mix of cases it was given.")
_filters.url_widget_value("vendor_period", "period", list(PERIOD_WORDS), "week")
period = st.segmented_control("Period", list(PERIOD_WORDS), key="vendor_period",
                              format_func=PERIOD_WORDS.get) or "week"
markets = list(filters.markets) or None
report, targets = data.vendor_report(period, markets, fresh)
vendors = drilldown.vendors(report)
if report.current is not None and not vendors:
    st.info(f"No vendor had cases open, assigned or decided in the {period} starting "
            f"{report.current:%Y-%m-%d}.")
    st.stop()
if report.current is None:
    st.info("No vendor reviews are loaded for this period, so there is no review scorecard "
            "(decisions, handle time, QA accuracy). Load a reviews export on the Data page.")
    st.info("The loaded cases carry no vendor values either, so SLA and appeals cannot be split "
            "by vendor.")
    st.stop()

st.subheader(f"Scorecard: {period} starting {report.current:%Y-%m-%d}")
tables.summary(report, targets)
tables.scorecard(report, targets)
st.subheader("What needs attention")
tables.attention(report)

st.subheader("Vendor drill-down")
_filters.url_widget_value("vendor_pick", "vendor", vendors, drilldown.first_vendor(report))
vendor = st.selectbox("Vendor", vendors, key="vendor_pick")
_filters.sync_url({"vendor": vendor, "period": period})
trend_kpis = drilldown.trend_kpis(report, vendor)   # only KPIs with a line for this vendor
_filters.url_widget_value("vendor_kpi", "vendor_kpi", trend_kpis,
                          drilldown.worst_kpi(report, vendor))
kpi = st.selectbox("KPI", trend_kpis, key="vendor_kpi",
                   format_func=lambda k: kpis.KPIS[k].label)
_filters.sync_url({"vendor_kpi": kpi})
st.plotly_chart(charts.target_trend(
    drilldown.trend_chart(report, vendor, kpi, targets), title=f"{kpis.KPIS[kpi].label}: {vendor}",
    x_title=f"{PERIOD_WORDS[period]} starting ({charts.LOCAL_DATES})",
    last_complete=report.current), key="vendor_trend", config=charts.CONFIG)
_ui.define(kpi)

tables.queues(report, vendor, targets)
tables.mix(data.mart("vendor_mix_adjusted", period=period, markets=markets), report)
tables.reviewers(data.mart("vendor_reviewers", vendors=[vendor], start_date=filters.start,
                           end_date=filters.end, markets=markets), vendor, filters)

st.markdown(f"**Backlog of {_ui.plain(vendor)}** as of the end of a past day (UTC)")
last_day = data.as_of(fresh).date()
if "vendor_as_of" not in st.session_state:   # a shared link reopens the same day
    st.session_state["vendor_as_of"] = _filters.url_date("backlog_as_of", last_day,
                                                         dt.date(2000, 1, 1), last_day)
as_of_day = st.date_input("As of", max_value=last_day, key="vendor_as_of", format="YYYY-MM-DD")
_filters.sync_url({"backlog_as_of": None if as_of_day == last_day else as_of_day.isoformat()})
tables.backlog(drilldown.vendor_backlog(data.mart(
    "vendor_backlog_as_of", as_of=data.as_of(fresh, as_of_day),
    at_risk_hours=targets.at_risk_hours, markets=markets), vendor))
from ui.share import share; share("vendors")  # noqa: E402,E702 (issue 6)
