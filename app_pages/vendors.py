"""Vendors: a first scorecard from the review log and the cases each vendor handled."""
import streamlit as st

from analytics import views
from app_pages import _charts, _marts, _ui

CASE_KPIS = ["cases", "sla_attainment_pct", "first_response_median_s", "resolution_median_s",
             "overturn_rate_pct"]

filters = st.session_state["filters"]
fresh = _ui.page_header("Vendors", "Decisions, handle time and QA from the review log; SLA and "
                        "appeals from the cases each vendor handled.")

reviews = _marts.mart("vendor_daily", start_date=filters.start, end_date=filters.end,
                     markets=list(filters.markets) or None, vendors=None)
if reviews.empty:
    st.info("No vendor reviews are loaded for this period, so there is no review scorecard "
            "(decisions, handle time, QA accuracy). Load a reviews export on the Data page.")
else:
    card = views.vendor_scorecard(reviews)
    st.subheader("Review scorecard")
    number = st.column_config.NumberColumn
    st.dataframe(card, hide_index=True, key="vendor_scorecard", column_config={
        "vendor": "Vendor", "decisions": number("Decisions", format="localized"),
        "handle_time_mean_s": number("Mean handle time (s)", format="%.0f"),
        "qa_sampled": number("QA sampled", format="localized"),
        "qa_accuracy_pct": number("QA accuracy %", format="%.1f"),
        "active_days": number("Days with decisions"),
        "markets": "Markets"})
    st.caption("Handle time: claim to decision, mean over the period (daily medians cannot be "
               "pooled). QA accuracy: correct ÷ sampled decisions. Dates are the decision's "
               "market-local date. Category and source filters do not apply to reviews.")
    quality = views.weekly_vendor_quality(reviews)
    if views.has_values(quality, "qa_accuracy_pct"):
        st.plotly_chart(_charts.trend(quality, "week_start", "qa_accuracy_pct", color="vendor",
                                      title="QA accuracy by week", y_title="QA accuracy, %",
                                      x_title=_charts.WEEKS,
                                      last_complete=_ui.last_complete_week(fresh)),
                        key="vendor_qa", config=_charts.CONFIG)
        _ui.define("qa_accuracy_pct")
    else:
        st.info("The review log has no QA samples, so QA accuracy cannot be shown.")

st.subheader("Cases by vendor")
by_vendor = views.segments(_marts.mart("kpi_by_segment", **_marts.common(filters)), "vendor")
named = by_vendor[by_vendor["segment"] != views.UNKNOWN]
if named.empty:
    st.info("The loaded cases carry no vendor values, so SLA and appeals cannot be split by "
            "vendor.")
else:
    _ui.kpi_table(named, "vendor", CASE_KPIS, key="vendor_cases")
    st.caption("Hover a column header for the KPI's definition.")
