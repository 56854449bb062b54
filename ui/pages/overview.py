"""Overview: KPI tiles with the change against the previous period, and volume over time."""
import streamlit as st

from analytics import views
from ui import charts, data, spike_inbox
from ui import filters as _filters
from ui import widgets as _ui

TILES = ["cases", "sla_attainment_pct", "first_response_median_s", "resolution_median_s",
         "appeal_rate_pct", "overturn_rate_pct", "open_backlog", "open_breached"]

filters = st.session_state["filters"]
fresh = _ui.page_header("Overview", "Escalations across every selected market, "
                        f"{filters.start:%Y-%m-%d} to {filters.end:%Y-%m-%d}.")
current, previous, (previous_start, previous_end) = data.kpi_summaries(filters, fresh)
_ui.kpi_tiles(TILES, current, previous)
st.caption(_ui.comparison_note(previous, previous_start, previous_end) + " Open backlog counts "
           "are as of each period's end (at most the newest data). Hover a tile for its "
           "definition.")
_ui.missing_note(current, TILES)
if not (filters.markets or filters.categories or filters.sources) and (note := views.window_note(
        int(current.get("cases") or 0), int(fresh.get("case_count") or 0), filters.first_date,
        filters.last_date)):
    st.info(note)

SPLITS = ["region", "abuse_category", "source"]
first = data.first_split(filters, SPLITS)   # one the data has values of (samples: no region)
_filters.url_widget_value("overview_split", "split", SPLITS, first)  # a shared link keeps it
by = st.segmented_control("Split volume by", SPLITS, key="overview_split",
                          format_func=lambda v: v.replace("abuse_", "").replace("_", " "))
by = by or first
_filters.sync_url({"split": by})
daily = data.mart("daily_volume_split", **data.common(filters), split=by)
if daily.empty:
    st.info("No cases match these filters.")
else:
    if daily["split_value"].isna().all():
        st.caption(f"No case here has a {by.replace('_', ' ')}: the loaded data does not map one.")
    volume = data.with_gaps(views.split_series(daily, by, n=8), "created_date", "cases", by)
    st.plotly_chart(charts.stacked(volume, "created_date", "cases", by,
                                    title="Cases created per day", y_title="Cases",
                                    last_complete=_ui.last_complete(fresh)),
                    key="overview_volume", config=charts.CONFIG)
    _ui.define("cases")
    st.caption("Shaded: the newest day, still arriving or cut where the export ends — a low value "
               "there is not a dip.")
    backlog = data.without_uncovered(views.daily_backlog(
        data.mart("backlog_daily", **data.common(filters))), "date", "open_backlog")
    backlog_chart = charts.trend(backlog, "date", "open_backlog", y_title="Open cases",
                                 title="Open backlog at each day's end",
                                 x_title=f"Date ({charts.LOCAL_DATES})",
                                 last_complete=_ui.last_complete(fresh))
    starts = charts.mark_export_start(backlog_chart, filters.first_date, filters.start)
    st.plotly_chart(backlog_chart, key="overview_backlog", config=charts.CONFIG)
    _ui.define("open_backlog")
    if starts:   # the first weeks' rise is the export's start, not new work
        st.caption(views.export_start_note(filters.first_date))

spike_inbox.open_spikes(filters)  # the worst spikes without a verdict, each a link (#16)
trends_day, top = data.top_trends(filters, 3)  # the top three from the Trends page, which explains them
st.subheader(f"Emerging trends as of {trends_day:%Y-%m-%d}" if trends_day else "Emerging trends")
for trend_row in top.itertuples():
    langs = ", ".join(trend_row.languages)   # none when the data has no language column
    st.markdown(f"**{_ui.plain(trend_row.label)}** — ×{trend_row.growth:.1f} since "
                f"{trend_row.since:%Y-%m-%d}, {trend_row.excess:.0f} more cases than expected"
                + (f" ({_ui.plain(langs)})" if langs else ""))
if not len(top):
    st.caption("No segment is rising faster than its own history in these filters and dates.")
st.page_link("ui/pages/trends.py", label="All trends, with examples", icon=":material/trending_up:",
             query_params={"as_of": f"{trends_day:%Y-%m-%d}"} if trends_day else None)  # same day
from ui.share import share; share("overview")  # noqa: E402,E702 (issue 6)
