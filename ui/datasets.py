"""Which dataset a session looks at: your data (ESCALATION_RADAR_DB) or the demo, which lives in
a database of its own (ESCALATION_RADAR_DEMO_DB) and never mixes with yours.

A session starts on the URL's `dataset=demo`, else on the demo when the app was started with the
README's plain command (ESCALATION_RADAR_DB not set) and your database holds nothing yet, else on
your data: a database path of your own starts empty, on the first screen (ui/pages/start.py).
The sidebar switches between the two; a switch starts the date window afresh on the data in view.
"""
from __future__ import annotations

import streamlit as st

from analytics import settings
from ui import data
from ui import filters as _filters
from ui.widgets import plain

KEY = URL_KEY = "dataset"
FILTER_URL_KEYS = ("from", "to", *_filters.LISTS, "market")


def choose() -> None:
    """Once per session: decide the dataset (see the module's docstring); keep it in the URL."""
    if st.session_state.get(KEY) not in ("demo", "own"):
        wanted = st.query_params.get(URL_KEY)
        starts_on_demo = wanted == "demo" or (
            wanted != "own" and not settings.db_is_chosen()
            and not data.has_cases(settings.db_path()))
        st.session_state[KEY] = "demo" if starts_on_demo else "own"
    _filters.sync_url({URL_KEY: "demo" if data.showing_demo() else None})


def switch(to: str) -> None:
    """A button's callback: look at `to` ("demo" or "own") from the next run on, with the
    filters started afresh on its data (the other dataset's dates and markets mean nothing)."""
    st.session_state[KEY] = to
    for key in ("filters_restored", "window_exports", "market_focus"):
        st.session_state.pop(key, None)
    for key in FILTER_URL_KEYS:
        if key in st.query_params:
            del st.query_params[key]


def sidebar(has_data: bool) -> None:
    """Which dataset is on screen, and the way to the other one."""
    with st.sidebar:
        if data.showing_demo() or (has_data and data.is_demo()):
            st.info("**Demo dataset**: generated cases, kept in a database of their own. "
                    "Nothing you load goes into it, and alerts never run on it.",
                    icon=":material/science:")
        if data.showing_demo():
            st.button("Use my own data", key="dataset_own", on_click=switch, args=("own",),
                      help=f"Your database: {settings.db_path()}")
        elif has_data and data.is_demo():   # ESCALATION_RADAR_DB names a demo file
            st.caption(f"{plain(settings.db_path())} holds the demo: to load your own data, "
                       "set ESCALATION_RADAR_DB to a new path.")
        else:
            st.caption(f"Your data: {plain(settings.db_path())}"
                       + ("" if has_data else " (empty)"))
            st.button("Open the demo", key="dataset_demo", on_click=switch, args=("demo",),
                      help="A generated dataset to look around with, kept apart from yours.")
