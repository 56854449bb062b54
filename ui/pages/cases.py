"""Cases: the drill-down table with search, downloadable as CSV (UTF-8 with BOM) and .xlsx."""
import streamlit as st

from analytics import views
from ui import data
from ui import filters as _filters
from ui import widgets as _ui

LIMIT = 5000

filters = st.session_state["filters"]
_filters.url_widget_value("case_search", "q", None, "")
_ui.page_header("Cases", "Every case behind the numbers, newest first.")
search = st.text_input("Search case id or summary", key="case_search",
                       placeholder="e.g. a case id, a word in any language")
_filters.sync_url({"q": search.strip() or None})

rows = data.mart("cases_drilldown", **data.common(filters), search=search.strip() or None,
                  vendors=None, limit=LIMIT)
if rows.empty:
    st.info("No cases match this search and these filters.")
    st.stop()
shown = "the newest " if len(rows) >= LIMIT else ""
st.caption(f"Showing {shown}{len(rows):,} cases. created_date is the market-local date; "
           "timestamps are UTC.")
st.dataframe(rows, hide_index=True, key="cases_table", column_config={
    "summary": st.column_config.TextColumn("summary", width="large")})

left, right, _ = st.columns([1, 1, 4])
left.download_button("Download CSV", views.csv_bytes(rows), file_name="cases.csv",
                     mime="text/csv", key="cases_csv", on_click="ignore",
                     help="UTF-8 with a byte-order mark, so Excel shows Cyrillic correctly.")
right.download_button("Download .xlsx", lambda: views.xlsx_bytes(rows), file_name="cases.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="cases_xlsx", on_click="ignore")
