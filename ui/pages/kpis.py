"""KPIs: one KPI across markets, categories and vendors — its weekly trend and a heatmap."""
import streamlit as st

from analytics import kpis, views
from ui import charts, data, kpi_heatmap, spike_markers
from ui import filters as _filters
from ui import widgets as _ui

CHOICES = ["sla_attainment_pct", "first_response_median_s", "first_response_p90_s",
           "resolution_median_s", "resolution_p90_s", "appeal_rate_pct", "overturn_rate_pct",
           "cases"]
DIMENSIONS = {"market": "Market", "abuse_category": "Abuse category", "vendor": "Vendor",
              "source": "Source", "language": "Language", "priority": "Priority"}

filters = st.session_state["filters"]
_filters.url_widget_value("kpi_pick", "kpi", CHOICES, CHOICES[0])
_filters.url_widget_value("kpi_by", "by", list(DIMENSIONS), "market")
fresh = _ui.page_header("KPIs", "One KPI across segments, week by week.")
left, right = st.columns([1, 2])
name = left.selectbox("KPI", CHOICES, key="kpi_pick", format_func=lambda n: kpis.KPIS[n].label)
by = right.segmented_control("Across", list(DIMENSIONS), key="kpi_by",
                             format_func=DIMENSIONS.get) or "market"
_filters.sync_url({"kpi": name, "by": by})
kpi = kpis.KPIS[name]
scale, value_title = _ui.axis(name)
_ui.define(name)

weekly = data.mart("kpi_by_segment_week", **data.common(filters))
overall = views.weekly_overall(weekly, name, scale)
if overall.empty or not views.has_values(overall, name):
    st.info(f"The loaded data has no values for {kpi.label} with these filters.")
    st.stop()

across = DIMENSIONS[by].lower()
whole = kpi_heatmap.whole_weeks(overall["week_start"], filters.start, filters.end,
                                _ui.last_complete(fresh))   # cut weeks dotted, as grey below
trend_chart = charts.trend(overall, "week_start", "value", y_title=value_title,
                            title=f"{kpi.label}, all selected cases", x_title=charts.WEEKS,
                            first_complete=whole[0], last_complete=whole[1])
trend_chart.update_xaxes(**charts.monday_ticks(overall["week_start"]))   # not Plotly's Sundays
spike_markers.add_weekly(trend_chart, spike_markers.same_scope(  # this chart's scope only
    spike_markers.events_in_view(data.events("day"), filters), filters, name), overall, kpi=name)
st.plotly_chart(trend_chart, key="kpi_trend", config=charts.CONFIG)
pivot = views.heatmap_pivot(weekly, by, name)
pivot.index = kpi_heatmap.in_words(pivot.index, by)   # 'Hate speech', not hate_speech
if views.is_blank(pivot):
    st.info(f"No {across} values in the loaded data, so no heatmap across them.")
else:
    complete = kpi_heatmap.complete_weeks(pivot.columns, filters.start, filters.end,
                                          _ui.last_complete(fresh))
    st.plotly_chart(kpi_heatmap.figure(pivot * scale, complete=complete, text=views.formatted(
        pivot, name), title=f"{kpi.label} by {across} and week", value_title=value_title,
        higher_is_better=kpi.higher_is_better), key="kpi_heatmap", config=charts.CONFIG)
    st.caption("Rows: the 15 segments with most cases. Grey: weeks cut by the dates or still "
               "arriving (values on hover); colours span the complete weeks only. Blank cells "
               "had no cases to measure.")

segment_rows = views.segment_values(data.mart("kpi_by_segment", **data.common(filters)), by,
                                   name, scale)
if not segment_rows.empty:
    segment_rows["segment"] = kpi_heatmap.in_words(segment_rows["segment"], by)
    st.plotly_chart(charts.bars(segment_rows, "segment", "value",
                                 text=views.formatted_with_n(segment_rows, name),
                                 value_title=value_title,
                                 title=f"{kpi.label} by {across}, whole period"),
                    key="kpi_bars", config=charts.CONFIG)
from ui.share import share; share("kpis")  # noqa: E402,E702 (issue 6)
