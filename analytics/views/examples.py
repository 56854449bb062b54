"""Example cases as the Cases, Spikes and Trends pages show them: the case id, then the summary
(wrapped, the matched words marked), then a few columns to recognise the case by. An HTML table,
because a grid cell neither wraps nor marks words; every value is escaped.

>>> rows = pd.DataFrame({"case_id": ["C-1"], "created_at": ["2026-03-01 10:00"],
...                      "summary": ["<b>Продаёт</b> оружие"], "language": ["ru"]})
>>> print(examples_html(rows, parse_query("продает"), columns=["case_id", "summary", "created_at"]))
... # doctest: +ELLIPSIS
<style>...<thead><tr><th>Case id</th><th>Summary</th><th>Created at (UTC)</th></tr></thead><tbody><tr><td>C-1</td><td class="summary">&lt;b&gt;<mark>Продаёт</mark>&lt;/b&gt; оружие</td><td>2026-03-01 10:00</td></tr></tbody></table>
"""
from __future__ import annotations

import html

import pandas as pd

from analytics.text.search import SearchQuery, highlight, parse_query
from analytics.views.words import heading

FIRST = ["case_id", "summary"]
# enough to recognise a case (the segment or the search says the rest; every column is in the
# Cases page's grid)
SHOWN = ["case_id", "summary", "created_at", "market", "language", "status"]
TABLE_CSS = """<style>
table.case-examples {border-collapse: collapse; width: 100%; font-size: 0.9rem}
table.case-examples th, table.case-examples td {border-bottom: 1px solid #ddd; padding: 4px 6px;
  text-align: left; vertical-align: top; white-space: nowrap}
table.case-examples td.summary {white-space: normal; overflow-wrap: anywhere; min-width: 24rem;
  width: 100%}
table.case-examples mark {background: #ffe58a; padding: 0 1px}
</style>"""
NO_QUERY = parse_query("")


def has_values(column: pd.Series) -> bool:
    """Whether some cell of `column` holds more than blanks.

    >>> has_values(pd.Series([None, float("nan"), " "])), has_values(pd.Series([None, "Cat"]))
    (False, True)
    """
    present = column.dropna()
    return bool(len(present)) and bool(present.astype(str).str.strip().ne("").any())


def summary_first(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns reordered: case_id, summary, then the rest as they were."""
    first = [c for c in FIRST if c in rows.columns]
    return rows[first + [c for c in rows.columns if c not in first]]


def term_query(term: str | None) -> SearchQuery:
    """The words of a trend's term as a search, to mark them in its examples."""
    return parse_query(term) if term else NO_QUERY


def _cell(value) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) \
        else html.escape(str(value))


def _summary_cell(record: dict, query: SearchQuery) -> str:
    summary, language = record.get("summary"), record.get("language")
    text = None if summary is None or pd.isna(summary) else str(summary)
    language = None if language is None or pd.isna(language) else str(language)
    return f'<td class="summary">{highlight(text, query, language)}</td>'


def examples_html(rows: pd.DataFrame, query: SearchQuery = NO_QUERY, *,
                  columns: list[str] = SHOWN, limit: int = 100) -> str:
    """The first `limit` rows as an escaped HTML table of `columns` (those present; the local
    created_date where created_at is not), the summary wrapped and the words of `query` marked.
    A column empty in every row shown is left out (an export without summaries or languages
    drew a wide blank Summary column); the case id always stays."""
    dated = {"created_at": "created_date"} if "created_at" not in rows.columns else {}
    first = rows.head(limit)
    shown = [c for c in (dated.get(c, c) for c in columns) if c in rows.columns
             and (c == "case_id" or has_values(first[c]))]
    head = "".join(f"<th>{html.escape(heading(c))}</th>" for c in shown)   # in words
    body = []
    for record in first.to_dict("records"):
        cells = [_summary_cell(record, query) if c == "summary" else f"<td>{_cell(record[c])}</td>"
                 for c in shown]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'{TABLE_CSS}<table class="case-examples"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")
