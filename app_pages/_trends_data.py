"""The Trends page's data seam: trend detection cached per data version and as-of day.

Follows app_pages/_marts.py: keyed on plain values plus `db.data_version`. One detection run
(precompute.trends_app, stored beside the database: any process reads it back instead of
tokenising the window again) gives the ranked trends, the rows of their example cases and the
period comparison's cells (cases per period × market × language × text), so a filter change
only selects rows of them: no query, no case-level work.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import db, precompute, trends
from analytics.trends_compare import compare_cells
from app_pages import _marts


@st.cache_data(max_entries=8, show_spinner=False)
def _as_of(version: tuple) -> dt.date | None:
    with db.shared_reader(version) as con:
        return trends.default_as_of(con)


def default_as_of() -> dt.date | None:
    """The last complete day in the data (what the page judges by default)."""
    return _as_of(db.data_version(_marts.db_path()))


@st.cache_resource(max_entries=4, show_spinner=False)
def _app(version: tuple, as_of: dt.date) -> dict:
    return precompute.trends_app(version, as_of)   # stored beside the database (shared, read-only)


def ranked(as_of: dt.date) -> pd.DataFrame:
    return _app(db.data_version(_marts.db_path()), as_of)["ranked"]


def example_cases(as_of: dt.date, case_ids: list[str]) -> pd.DataFrame:
    examples = _app(db.data_version(_marts.db_path()), as_of)["examples"]
    return examples[examples["case_id"].isin(case_ids)]


@st.cache_data(max_entries=64, show_spinner=False)
def _comparison(version: tuple, as_of: dt.date, markets: tuple, languages: tuple) -> pd.DataFrame:
    cells = _app(version, as_of)["cells"]
    table = compare_cells(cells, markets, languages)
    shown = pd.concat([table.head(15), table.tail(10)]).drop_duplicates("term_key")
    return shown.assign(term=[cells.incidence.spelling(k) for k in shown["term_key"]])


def comparison(as_of: dt.date, markets: list[str], languages: list[str]) -> pd.DataFrame:
    """Terms rising most (top) and falling most (bottom), last 7 days vs the 28 before."""
    return _comparison(db.data_version(_marts.db_path()), as_of, tuple(markets), tuple(languages))
