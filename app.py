"""Escalation Radar: the Streamlit entry point (`streamlit run app.py`).

A router only: page config, the dataset in view (your data, or the demo kept apart; an empty
database opens on its first screen), the shared sidebar filters (kept in
the URL) and `st.navigation`. Each page in ui/pages/ reads `st.session_state["filters"]`.
The folder is not called `pages/`: Streamlit treats a `pages/` folder beside the entry point as
an old-style multipage app and lists every file in it (helpers too) before st.navigation runs.
"""
from __future__ import annotations

import streamlit as st

from analytics import startup as _startup
from ui import access as _access
from ui import data
from ui import datasets as _datasets
from ui import filters as _filters

_startup.configure()   # process-wide settings, before session threads allocate (analytics/startup.py)

PAGES = [
    st.Page("ui/pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("ui/pages/markets.py", title="Markets", icon=":material/public:"),
    st.Page("ui/pages/kpis.py", title="KPIs", icon=":material/monitoring:"),
    st.Page("ui/pages/spikes.py", title="Spikes", icon=":material/bolt:"),
    st.Page("ui/pages/trends.py", title="Trends", icon=":material/trending_up:"),
    st.Page("ui/pages/vendors.py", title="Vendors", icon=":material/groups:"),
    st.Page("ui/pages/cases.py", title="Cases", icon=":material/table_rows:"),
    st.Page("ui/pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("ui/pages/alerts.py", title="Alerts", icon=":material/notifications:"),
    st.Page("ui/pages/snapshots.py", title="Snapshots", icon=":material/photo_camera:"),
]
# An empty database: its first screen, and the Data page to load an export into it.
START = [st.Page("ui/pages/start.py", title="Start", icon=":material/home:", default=True),
         PAGES[7]]


def _cannot_read(exc: Exception) -> None:
    st.error(f"Could not read the database {data.db_path()}: {type(exc).__name__}: {exc}. "
             "Point ESCALATION_RADAR_DB at an Escalation Radar database, or at a new path to "
             "start empty.")
    st.stop()


def run() -> None:
    st.set_page_config(page_title="Escalation Radar", page_icon=":material/radar:",
                       layout="wide")
    _access.require_sign_in()  # off by default; partners never get the pages with cases
    try:
        _datasets.choose()
        has_data = data.open_dataset()   # the demo generated on first use; a new path empty
    except Exception as exc:  # a broken or foreign file: say which, never show a traceback
        _cannot_read(exc)
    page = st.navigation(_access.visible(PAGES if has_data else START))
    _datasets.sidebar(has_data)
    if has_data:   # an empty database has no dates or markets to filter by yet
        try:
            st.session_state["filters"] = _filters.sidebar_filters(page.title)
        except Exception as exc:  # noqa: BLE001
            _cannot_read(exc)
    page.run()


run()
