"""The shared sidebar filters (date range, markets, categories, sources), kept in the URL.

A session's first run reads the URL into the widgets, and every run writes the widgets back,
so a copied link opens the same view. Page-level choices (the market on Markets, the KPI on
KPIs, the search on Cases) use `url_widget_value` / `sync_url` with their own URL keys.
Empty multiselects mean "all" and are left out of the URL.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from analytics import views
from ui import data

LISTS = {"markets": "Markets", "categories": "Abuse categories", "sources": "Sources"}


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    markets: tuple[str, ...]
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    first_date: dt.date      # the data's first and last market-local created_date
    last_date: dt.date


def url_date(name: str, default: dt.date, low: dt.date, high: dt.date) -> dt.date:
    try:
        value = dt.date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:  # missing or not a date: a hand-edited link should not break the page
        return default
    return min(max(value, low), high)


def _restore_from_url(options: dict, low: dt.date, high: dt.date) -> None:
    """Put the URL's filter values into the widgets' state (once per session)."""
    start, end = views.default_window(high)
    start = max(start, low)
    st.session_state["filter_dates"] = tuple(sorted((url_date("from", start, low, high),
                                                     url_date("to", end, low, high))))
    for name in LISTS:
        wanted = st.query_params.get_all(name)
        st.session_state[f"filter_{name}"] = [v for v in wanted if v in options[name]]
    st.session_state["filters_restored"] = True


def sidebar_filters() -> Filters:
    """Draw the filters in the sidebar and return their values."""
    options = data.filter_options()
    low, high = options["first_date"], options["last_date"]
    if "filters_restored" not in st.session_state:
        _restore_from_url(options, low, high)
    # a load the window holds none of moves it there (a daily load leaves it: ui/data.py);
    # another ingest may have moved the data's first or last day: keep the range inside it
    st.session_state["filter_dates"] = tuple(
        min(max(d, low), high) for d in data.follow_new_data(st.session_state["filter_dates"]))
    with st.sidebar:
        st.header("Filters")
        dates = st.date_input("Created (market-local dates)", key="filter_dates",
                              min_value=low, max_value=high, format="YYYY-MM-DD",
                              help="Cases count on the day they were created, in each "
                                   "market's own time zone.")
        for name, label in LISTS.items():
            st.multiselect(label, options[name], key=f"filter_{name}", placeholder="All")
    start, end = (tuple(dates) + (None, None))[:2]
    end = end or start  # mid-selection, the range widget briefly holds one date
    filters = Filters(start, end, *(tuple(st.session_state[f"filter_{n}"]) for n in LISTS),
                      first_date=low, last_date=high)
    sync_url({"from": start.isoformat(), "to": end.isoformat()}
             | {n: list(getattr(filters, n)) for n in LISTS})
    return filters


def sync_url(values: dict) -> None:
    """Write these URL keys (a value of None or [] removes the key); other keys are kept."""
    for key, value in values.items():
        current = st.query_params.get_all(key)
        wanted = [] if value is None else ([value] if isinstance(value, str) else list(value))
        if current != wanted:
            if wanted:
                st.query_params[key] = wanted if len(wanted) > 1 else wanted[0]
            else:
                del st.query_params[key]


def url_widget_value(key: str, url_key: str, options: list | None, default) -> None:
    """Before a page widget is drawn: seed its state from the URL (or `default`) unless it
    already holds a valid value. `options` None means any value is valid."""
    if key in st.session_state and (options is None or st.session_state[key] in options):
        return
    wanted = st.query_params.get(url_key)
    valid = wanted is not None and (options is None or wanted in options)
    st.session_state[key] = wanted if valid else default
