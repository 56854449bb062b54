"""Escalation Radar: the Streamlit entry point (`streamlit run app.py`).

A router only: page config, the demo on a fresh machine, the shared sidebar filters (kept in
the URL) and `st.navigation`. Each page in app_pages/ reads `st.session_state["filters"]`.
The folder is not called `pages/`: Streamlit treats a `pages/` folder beside the entry point as
an old-style multipage app and lists every file in it (helpers too) before st.navigation runs.
"""
from __future__ import annotations

import streamlit as st

from app_pages import _access, _filters, _marts, _memory

_memory.limit_arenas()   # before session threads allocate: see app_pages/_memory.py

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/markets.py", title="Markets", icon=":material/public:"),
    st.Page("app_pages/kpis.py", title="KPIs", icon=":material/monitoring:"),
    st.Page("app_pages/spikes.py", title="Spikes", icon=":material/bolt:"),
    st.Page("app_pages/trends.py", title="Trends", icon=":material/trending_up:"),
    st.Page("app_pages/vendors.py", title="Vendors", icon=":material/groups:"),
    st.Page("app_pages/cases.py", title="Cases", icon=":material/table_rows:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("app_pages/alerts.py", title="Alerts", icon=":material/notifications:"),
    st.Page("app_pages/snapshots.py", title="Snapshots", icon=":material/photo_camera:"),
]


def run() -> None:
    st.set_page_config(page_title="Escalation Radar", page_icon=":material/radar:",
                       layout="wide")
    _access.require_sign_in()  # off by default; partners never get the pages with cases
    page = st.navigation(_access.visible(PAGES))
    try:
        _marts.ensure_demo()
        st.session_state["filters"] = _filters.sidebar_filters()
    except Exception as exc:  # a broken or foreign file: say which, never show a traceback
        st.error(f"Could not read the database {_marts.db_path()}: {type(exc).__name__}: {exc}. "
                 "Point ESCALATION_RADAR_DB at an Escalation Radar database, or remove the "
                 "file to start again from the demo.")
        st.stop()
    page.run()


run()
