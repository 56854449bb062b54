"""Markets: one market in depth — its KPIs, categories, sources and languages."""
import streamlit as st

from analytics import views
from ui import charts, data, spike_markers
from ui import filters as _filters
from ui import widgets as _ui

TILES = ["cases", "sla_attainment_pct", "first_response_median_s", "resolution_median_s",
         "appeal_rate_pct", "overturn_rate_pct", "open_backlog", "open_breached"]
TABLE = ["cases", "resolved_cases", "sla_attainment_pct", "first_response_median_s",
         "resolution_median_s", "resolution_p90_s", "appeal_rate_pct", "overturn_rate_pct"]
BREAKDOWNS = {"abuse_category": "Abuse categories", "source": "Sources", "language": "Languages"}

filters = st.session_state["filters"]
by_size = data.markets_in_view(filters)  # the largest market within the filters is the default
choices = views.market_choices(by_size, filters.markets)
_filters.url_widget_value("market_focus", "market", choices, choices[0] if choices else None)
fresh = _ui.page_header("Markets", "One market in depth. Pick it here; the sidebar's other "
                        "filters still apply.")
market = st.columns([1, 3])[0].selectbox("Market", choices, key="market_focus")
_filters.sync_url({"market": market})
if market is None:
    st.info("No markets in the loaded data yet.")
    st.stop()

current, previous, (previous_start, previous_end) = data.kpi_summaries(filters, fresh,
                                                                     markets=[market])
st.subheader(f"{_ui.plain(market)}, {filters.start:%Y-%m-%d} to {filters.end:%Y-%m-%d}")
_ui.kpi_tiles(TILES, current, previous)
st.caption(_ui.comparison_note(previous, previous_start, previous_end))
_ui.missing_note(current, TILES)

daily = data.mart("daily_volume", **data.common(filters, markets=[market]))
if daily.empty:
    st.info("No cases in this market for these filters.")
    st.stop()
volume_chart = charts.stacked(data.with_gaps(views.daily_series(daily, by="abuse_category", n=8),
                                             "created_date", "cases", "abuse_category"),
                               "created_date", "cases", "abuse_category",
                               title="Cases created per day, by abuse category",
                               y_title="Cases", last_complete=_ui.last_complete(fresh))
spike_markers.add_daily(volume_chart, spike_markers.market_scope(   # this chart's scope only
    spike_markers.events_in_view(data.events("day"), filters), market))
st.plotly_chart(volume_chart, key="market_volume", config=charts.CONFIG)
_ui.define("cases")

by_segment = data.mart("kpi_by_segment", **data.common(filters, markets=[market]))
for column, (dimension, label) in zip(st.columns(len(BREAKDOWNS)), BREAKDOWNS.items()):
    rows = views.segments(by_segment, dimension, n=12)
    with column:
        if rows["segment"].eq(views.UNKNOWN).all():   # (none, or all unknown: not mapped)
            st.info(f"No {label.lower()} in the data.")
            continue
        st.plotly_chart(charts.bars(rows, "segment", "cases", title=label, value_title="Cases",
                                     text=views.sla_labels(rows)),
                        key=f"market_{dimension}", config={"displayModeBar": False})
_ui.define("cases", "sla_attainment_pct")

st.subheader("Abuse categories in detail")
_ui.kpi_table(views.segments(by_segment, "abuse_category"), "abuse_category", TABLE,
              key="market_table")
st.caption("Hover a column header for the KPI's definition.")
from ui.share import share; share("markets")  # noqa: E402,E702 (issue 6)
