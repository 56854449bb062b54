"""Snapshots: every frozen snapshot made (who, when, which page and filters, the file's hash)."""
import pandas as pd
import streamlit as st

from ui import data
from ui import widgets as _ui

_ui.page_header("Snapshots", "Frozen views shared with partners: who made which, when, with what "
                "filters, and the SHA-256 of the HTML to check a copy against.")
try:
    made = data.mart("snapshot_list")
except Exception:  # a database written before the snapshots table: nothing made yet
    made = pd.DataFrame()
if made.empty:
    st.info("No snapshots yet. Use Share at the foot of a page, or "
            "`python -m analytics snapshot --page trends --market KZ --out kz.html`.")
    st.stop()
st.dataframe(made[["made_at", "made_by", "page", "title", "filters", "include_examples",
                   "data_as_of", "html_sha256", "html_path", "png_note"]],
             hide_index=True, key="snapshot_list", column_config={
                 "made_at": st.column_config.DatetimeColumn("Made (UTC)"),
                 "include_examples": st.column_config.CheckboxColumn("Example cases"),
                 "html_sha256": st.column_config.TextColumn("SHA-256 of the HTML")})
st.caption(f"{len(made)} snapshots. 'Example cases' marks internal-only snapshots that carry "
           "case ids and text.")
