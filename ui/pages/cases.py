"""Cases: the drill-down table with search, downloadable as CSV (UTF-8 with BOM) and .xlsx.

A search finds every word, however it was typed (analytics/text/search.py): the first matches
are shown with their summary second, wrapped, the matched words marked; every column of every
match is in the table below."""
import html

import pandas as pd
import streamlit as st

from analytics import views
from analytics.text import search as text_search
from ui import data
from ui import filters as _filters
from ui import widgets as _ui

LIMIT = 5000
HIGHLIGHTED = 100   # matches shown with their words marked (an HTML table; the rest in the grid)
FIRST = ["case_id", "summary"]
# enough to recognise a case; the grid below has every column
SHOWN_WITH_SUMMARY = ["case_id", "summary", "created_at", "market", "language", "status"]
TABLE_CSS = """<style>
table.cases-matches {border-collapse: collapse; width: 100%; font-size: 0.9rem}
table.cases-matches th, table.cases-matches td {border-bottom: 1px solid #ddd; padding: 4px 6px;
  text-align: left; vertical-align: top}
table.cases-matches td.summary {white-space: normal; overflow-wrap: anywhere; min-width: 24rem}
table.cases-matches mark {background: #ffe58a; padding: 0 1px}
</style>"""


def matches_html(rows, query) -> str:
    """The first HIGHLIGHTED rows as an HTML table: every value escaped, matched words marked."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in SHOWN_WITH_SUMMARY)
    body = []
    for row in rows.head(HIGHLIGHTED)[SHOWN_WITH_SUMMARY].itertuples(index=False):
        cells = [f"<td>{html.escape(str(row.case_id))}</td>",
                 f'<td class="summary">{text_search.highlight(row.summary, query, row.language)}</td>']
        cells += [f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row[2:]]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'{TABLE_CSS}<table class="cases-matches"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


filters = st.session_state["filters"]
_filters.url_widget_value("case_search", "q", None, "")
_ui.page_header("Cases", "Every case behind the numbers, newest first.")
search = st.text_input("Search case id or summary", key="case_search",
                       placeholder="e.g. a case id, words in Kazakh, Russian or English",
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
rows = rows[FIRST + [c for c in rows.columns if c not in FIRST]]
shown = "the newest " if len(rows) >= LIMIT else ""
st.caption(f"Showing {shown}{len(rows):,} cases. created_date is the market-local date; "
           "timestamps are UTC.")
if query is not None:
    st.caption(f"The newest {min(len(rows), HIGHLIGHTED):,} with the matched words marked; "
               "every column of every match in the table below.")
    st.html(matches_html(rows, query))
st.dataframe(rows, hide_index=True, key="cases_table", column_config={
    "summary": st.column_config.TextColumn("summary", width="large")})

left, right, _ = st.columns([1, 1, 4])
left.download_button("Download CSV", views.csv_bytes(rows), file_name="cases.csv",
                     mime="text/csv", key="cases_csv", on_click="ignore",
                     help="UTF-8 with a byte-order mark, so Excel shows Cyrillic correctly.")
right.download_button("Download .xlsx", lambda: views.xlsx_bytes(rows), file_name="cases.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="cases_xlsx", on_click="ignore")
