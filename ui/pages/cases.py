"""Cases: the drill-down table with search, downloadable as CSV (UTF-8 with BOM) and .xlsx.

A search finds every word, however it was typed (analytics/text/search.py): the first matches
are shown with their summary second, wrapped, the matched words marked; every column of every
match is in the table below."""
import streamlit as st

from analytics import views
from analytics.text import search as text_search
from analytics.views import examples
from ui import data
from ui import filters as _filters
from ui import widgets as _ui

LIMIT = 5000
HIGHLIGHTED = 100   # matches shown with their words marked (an HTML table; the rest in the grid)
IN_FULL = 20        # without a search: the newest cases with their summary wrapped

filters = st.session_state["filters"]
_filters.url_widget_value("case_search", "q", None, "")
_ui.page_header("Cases", "Every case behind the numbers, newest first.")
search = st.text_input("Search case id or summary", key="case_search",
                       placeholder="e.g. a case id, or words of the summary",
                       help="Every word must match, in any form (оружие finds оружия), typed "
                            "with or without Kazakh letters or ё, or in Latin letters.")
_filters.sync_url({"q": search.strip() or None})

query = text_search.parse_query(search) if search.strip() else None
if query is not None:   # no word and no case id in it ("%"): nothing matches
    rows = data.search_cases(**data.common(filters), vendors=None, limit=LIMIT,
                             **query.parameters())
else:
    rows = data.mart("cases_drilldown", **data.common(filters), search=None, vendors=None,
                     limit=LIMIT)
if rows.empty:
    st.info("No cases match this search and these filters.")
    st.stop()
rows = examples.summary_first(rows)
shown = "the newest " if len(rows) >= LIMIT else ""
st.caption(f"Showing {shown}{len(rows):,} cases. created_date is the market-local date; "
           "timestamps are UTC.")
first = HIGHLIGHTED if query is not None else IN_FULL
summaries = "summary" in rows and examples.has_values(rows["summary"].head(first))
st.caption(f"The newest {min(len(rows), first):,}" + (" with their summary in full" if summaries
           else " (no summary in the loaded data)")
           + (" and the matched words marked" if query is not None else "")
           + "; every column of every case in the table below.")
st.html(examples.examples_html(rows, query or examples.NO_QUERY, limit=first))
filled = [c for c in rows.columns if c == "case_id" or examples.has_values(rows[c])]
if len(filled) < len(rows.columns):   # an export's unmapped columns: in the downloads only
    hidden = len(rows.columns) - len(filled)
    st.caption(f"{hidden} column{'s' if hidden > 1 else ''} empty in every case shown "
               "hidden here; the downloads keep every column.")
st.dataframe(rows, hide_index=True, key="cases_table", column_order=filled,
             column_config=_ui.headers(rows, {
    "case_id": st.column_config.TextColumn("Case id", pinned=True),   # stays in view
    "summary": st.column_config.TextColumn("Summary", width="large")}))

left, right, _ = st.columns([1, 1, 4])
left.download_button("Download CSV", views.csv_bytes(rows), file_name="cases.csv",
                     mime="text/csv", key="cases_csv", on_click="ignore",
                     help="UTF-8 with a byte-order mark, so Excel shows Cyrillic correctly.")
right.download_button("Download .xlsx", lambda: views.xlsx_bytes(rows), file_name="cases.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="cases_xlsx", on_click="ignore")
