"""Start: the first screen of an empty database — load your export, or look at the demo."""
import streamlit as st

from analytics import settings
from ui import datasets
from ui.widgets import plain

st.title("Escalation Radar")
st.markdown(f"Nothing is loaded yet into **{plain(settings.db_path())}**. Load an export of your "
            "case-management tool to see spikes, trends, KPIs and vendor scorecards on your "
            "own cases.")
left, right = st.columns(2)
with left.container(border=True):
    st.subheader("Load my export")
    st.markdown("CSV, Parquet, JSON Lines or Excel, optionally zipped or gzipped: upload it on "
                "the Data page and every page opens on it.")
    st.page_link("ui/pages/data.py", label="Load my export", icon=":material/upload_file:")
    st.caption("Or from a shell (add `--mapping FILE` for headers that are not ours):")
    st.code(f"python -m analytics ingest FILE --db {settings.db_path()}", language="bash")
with right.container(border=True):
    st.subheader("Look around first")
    cases = int(settings.get("ESCALATION_RADAR_DEMO_CASES"))
    st.markdown(f"The demo: about {cases:,} generated cases in 31 markets over 13 months, with "
                "planted incidents. It lives in a database of its own; nothing you load goes "
                "into it.")
    st.button("Open the demo", key="start_demo", on_click=datasets.switch, args=("demo",),
              icon=":material/science:")
