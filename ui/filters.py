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
from analytics.views.words import human
from ui import data

LISTS = {"markets": "Markets", "categories": "Abuse categories", "sources": "Sources"}
EVERY = ("dates", *LISTS)
# The filters each page reads (a page not named reads them all); the others are not drawn there,
# but keep their values (and the URL's) for the pages that read them.
APPLIES = {"Trends": ("markets",), "Vendors": ("dates", "markets"),
           "Data": (), "Alerts": (), "Snapshots": ()}


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


def applying(page: str) -> tuple[str, ...]:
    """The filters that page reads.

    >>> applying("Overview") == EVERY, applying("Vendors"), applying("Data")
    (True, ('dates', 'markets'), ())
    """
    return APPLIES.get(page, EVERY)


SHADOW = "filter_values"   # plain session state: every filter's value after the last run


def _key(name: str) -> str:
    return "filter_dates" if name == "dates" else f"filter_{name}"


def _kept() -> None:
    """Keep the values of filters not drawn on this run: Streamlit forgets a widget's state
    when the widget is not drawn, unless the key is written back as plain session state; a key
    already forgotten (a run cut short by the next click) comes back from the shadow copy."""
    shadow = st.session_state.get(SHADOW, {})
    for key in map(_key, EVERY):
        if key in st.session_state or key in shadow:
            st.session_state[key] = st.session_state[key] if key in st.session_state else shadow[key]


def _not_applied(drawn: tuple[str, ...]) -> str:
    """The sidebar's word on filters a page does not read.

    >>> _not_applied(())
    'The filters do not apply to this page.'
    >>> _not_applied(("markets",))
    'Only the market filter applies to this page; the others are kept for the pages they apply to.'
    """
    if not drawn:
        return "The filters do not apply to this page."
    said = " and ".join("the dates" if n == "dates" else f"the {n[:-1]} filter" for n in drawn)
    return f"Only {said} appl{'ies' if len(drawn) == 1 else 'y'} to this page; " \
        "the others are kept for the pages they apply to."


def sidebar_filters(page: str = "Overview") -> Filters:
    """Draw the filters the page reads in the sidebar and return the values of all of them."""
    options = data.filter_options()
    low, high = options["first_date"], options["last_date"]
    shadow = st.session_state.get(SHADOW, {})
    if "filters_restored" not in st.session_state or any(
            _key(n) not in st.session_state and _key(n) not in shadow for n in EVERY):
        _restore_from_url(options, low, high)
    drawn = applying(page)
    _kept()   # (before any widget of this run: a drawn one forgotten comes back too)
    # a load the window holds none of moves it there (a daily load leaves it: ui/data.py);
    # another ingest may have moved the data's first or last day: keep the range inside it
    st.session_state["filter_dates"] = tuple(
        min(max(d, low), high) for d in data.follow_new_data(st.session_state["filter_dates"]))
    with st.sidebar:
        st.header("Filters")
        if drawn != EVERY:
            st.caption(_not_applied(drawn))
        if "dates" in drawn:
            st.date_input("Created (market-local dates)", key="filter_dates",
                          min_value=low, max_value=high, format="YYYY-MM-DD",
                          help="Cases count on the day they were created, in each "
                               "market's own time zone.")
        for name, label in LISTS.items():
            if name in drawn:
                st.multiselect(label, options[name], key=_key(name), placeholder="All",
                               format_func=human)
    dates = st.session_state["filter_dates"]
    start, end = (tuple(dates) + (None, None))[:2]
    end = end or start  # mid-selection, the range widget briefly holds one date
    filters = Filters(start, end, *(tuple(st.session_state[_key(n)]) for n in LISTS),
                      first_date=low, last_date=high)
    st.session_state[SHADOW] = {_key(n): st.session_state[_key(n)] for n in EVERY}
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
