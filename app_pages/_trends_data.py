"""The Trends page's data seam: trend detection cached per data version and as-of day.

Follows app_pages/_marts.py: keyed on plain values plus `db.data_version`, a read-only connection
opened and closed inside the miss. One detection run (≈1–2 s on the 300k demo) serves every
filter: the market and language filters only select rows of its result.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from analytics import db, precompute, trends
from analytics.text_incidence import build_incidence
from analytics.trends_compare import compare_periods
from app_pages import _marts


@st.cache_data(max_entries=8, show_spinner=False)
def _as_of(version: tuple) -> dt.date | None:
    with db.reader(Path(version[0])) as con:
        return trends.default_as_of(con)


def default_as_of() -> dt.date | None:
    """The last complete day in the data (what the page judges by default)."""
    return _as_of(db.data_version(_marts.db_path()))


@st.cache_resource(max_entries=4, show_spinner=False)
def _run(version: tuple, as_of: dt.date) -> dict:
    """Cases of the window and their term incidence, for examples and the period comparison
    (shared, read-only)."""
    with db.reader(Path(version[0])) as con:
        cases = trends.load_cases(con, as_of)
    cases = cases[pd.to_datetime(cases["created_date"]) <= pd.Timestamp(as_of)].reset_index(drop=True)
    incidence = build_incidence(cases["summary"], cases["language"])
    return {"cases": cases, "incidence": incidence}


@st.cache_resource(max_entries=4, show_spinner=False)
def _ranked(version: tuple, as_of: dt.date) -> pd.DataFrame:
    return precompute.trends_ranked(version, as_of)   # stored beside the database


def ranked(as_of: dt.date) -> pd.DataFrame:
    return _ranked(db.data_version(_marts.db_path()), as_of)


def example_cases(as_of: dt.date, case_ids: list[str]) -> pd.DataFrame:
    cases = _run(db.data_version(_marts.db_path()), as_of)["cases"]
    picked = cases[cases["case_id"].isin(case_ids)]
    return picked[["case_id", "created_date", "market", "language", "abuse_category", "summary"]]


@st.cache_data(max_entries=64, show_spinner=False)
def _comparison(version: tuple, as_of: dt.date, markets: tuple, languages: tuple) -> pd.DataFrame:
    run = _run(version, as_of)
    cases, incidence = run["cases"], run["incidence"]
    rows = np.ones(len(cases), bool)
    if markets:
        rows &= cases["market"].isin(markets).to_numpy()
    if languages:
        rows &= cases["language"].isin(languages).to_numpy()
    table = compare_periods(incidence, cases, as_of, rows=rows)
    shown = pd.concat([table.head(15), table.tail(10)]).drop_duplicates("term_key")
    return shown.assign(term=[incidence.spelling(k) for k in shown["term_key"]])


def comparison(as_of: dt.date, markets: list[str], languages: list[str]) -> pd.DataFrame:
    """Terms rising most (top) and falling most (bottom), last 7 days vs the 28 before."""
    return _comparison(db.data_version(_marts.db_path()), as_of, tuple(markets), tuple(languages))
