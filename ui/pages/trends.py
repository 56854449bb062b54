"""Trends: emerging rising segments and new wording, ranked, with examples and a period comparison."""
import datetime as dt

import streamlit as st

from analytics.views import examples as example_views
from analytics.views import trends as trend_views
from ui import access as _access
from ui import case_examples as _examples
from ui import data
from ui import filters as _filters
from ui import widgets as _ui

filters = st.session_state["filters"]
cases_shown = _access.can_see_cases()  # partners: no example case ids or summaries
_ui.page_header("Trends", "What is rising for days or weeks — segments and new wording in case "
                "summaries — before anyone files it as a category. One-day spikes are not trends.")
last = data.default_as_of()
if last is None:
    st.info("No cases yet: load data on the Data page.")
    st.stop()
LANGUAGES = ["kk", "ru", "en"]
if "trends_as_of" not in st.session_state:  # a copied link reopens the same view
    st.session_state["trends_as_of"] = _filters.url_date("as_of", last, dt.date(2000, 1, 1), last)
if "trends_languages" not in st.session_state:
    st.session_state["trends_languages"] = [v for v in st.query_params.get_all("lang")
                                            if v in LANGUAGES]
left, right = st.columns([1, 2])
as_of = left.date_input("As of (end of day, market-local)", max_value=last, key="trends_as_of",
                       format="YYYY-MM-DD")
languages = right.multiselect("Languages", LANGUAGES, key="trends_languages",
                              help="Show trends whose cases are written in these languages.")
_filters.sync_url({"as_of": None if as_of == last else as_of.isoformat(), "lang": languages})
markets = list(filters.markets)
found = data.trends_within(as_of, markets, languages)

if found.empty:
    st.success(f"No emerging trend as of {as_of:%Y-%m-%d} for this selection.")
else:
    st.dataframe(trend_views.table(found, with_examples=cases_shown),
                 hide_index=True, key="trends_table", column_config={
                     "label": st.column_config.TextColumn("Trend", width="medium", pinned=True),
                     "sparkline": st.column_config.LineChartColumn("Last 28 days"),
                     "window_days": st.column_config.NumberColumn("Days tested", format="%d"),
                     "growth": st.column_config.NumberColumn("Growth ×", format="%.1f"),
                     "excess": st.column_config.NumberColumn("Excess cases", format="localized"),
                     "observed": st.column_config.NumberColumn("Cases", format="localized"),
                     "expected": st.column_config.NumberColumn("Expected", format="%.1f")})
    st.caption("Growth = cases / expected over the trend's days tested (the last 7 to 28). "
               "Since = when the rise began to accumulate. Rank = surprise × excess cases, with "
               "a bonus for brand-new segments and terms.")
    if cases_shown:   # partners: no example case ids or summaries
        openable = trend_views.openable(found)
        labels = [row.label for row in openable]
        _filters.url_widget_value("trends_pick", "trend", labels, labels[0])
        picked = st.selectbox("Open a trend's examples", labels, key="trends_pick")
        _filters.sync_url({"trend": picked})
        for row in openable:
            with st.expander(f"#{row.rank} {_ui.plain(row.label)} — examples",
                             expanded=row.label == picked):
                if row.related_terms:
                    st.caption("Found with: " + _ui.plain(", ".join(row.related_terms)))
                _examples.show(_examples.trend_cases(row, as_of), example_views.term_query(row.term),
                               empty="No example cases in this trend's window.")

st.subheader("What changed: last 7 days vs the 28 before")
compared = data.comparison(as_of, markets, languages)
if compared.empty:   # e.g. the ServiceNow sample: no summary column
    st.info("No wording to compare: the cases of these 35 days carry no summary text.")
for column, (title, side) in zip(st.columns(2) if len(compared) else [],
                                 trend_views.comparison_sides(compared).items()):
    column.dataframe(side, hide_index=True, key=f"trends_compare_{title.lower()}")
st.caption("Cases carrying each term; log-odds with an informative Dirichlet prior "
           "(Monroe et al. 2008), z > 2 is a clear change.")
from ui.share import share; share("trends")  # noqa: E402,E702 (issue 6)
