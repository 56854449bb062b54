"""Example cases on the Spikes and Trends pages: which cases a trend is shown with, and the
table they are shown in (analytics/views/examples.py: the summary second, wrapped, the term
marked, every value escaped)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.spikes.explain import segment_params
from analytics.views import examples as example_views
from analytics.views import trends as trend_views
from ui import data

LIMIT = 20


def show(rows: pd.DataFrame, query=example_views.NO_QUERY, *, empty: str) -> None:
    """The examples as a table, or `empty` when there are none."""
    if rows.empty:
        st.info(empty)
    else:
        st.html(example_views.examples_html(rows, query, limit=LIMIT))


def trend_cases(row, as_of: dt.date) -> pd.DataFrame:
    """A trend's example cases. A segment's: its newest cases in the trend's window (the
    detection's picks need a language, which some exports lack). A term's: the cases detection
    picked, else the newest cases in the window whose summary holds the term's words."""
    start, end = trend_views.window(row, as_of)
    if row.kind == "segment":
        return data.mart("spike_examples", **segment_params(trend_views.segment_of(row)),
                         start_date=start, end_date=end, limit=LIMIT, cohort="cases")
    picked = data.example_cases(as_of, list(row.examples))
    query = example_views.term_query(row.term)
    if len(picked) or not query.keys:
        return example_views.summary_first(picked)
    return data.search_cases(start_date=start, end_date=end, markets=None, categories=None,
                             sources=None, vendors=None, limit=LIMIT, **query.parameters())
