"""Data: freshness, upload (ingest with a progress bar), ingest history and rejected rows."""
import streamlit as st

from analytics import ingest, settings, views
from analytics.views import ingests as ingest_views
from ui import data
from ui import ingest_form as _ingest
from ui import widgets as _ui

AUTO = "(recognise the headers)"

fresh = _ui.page_header("Data", "What is loaded, how fresh it is, and loading more.")
_ui.freshness_tiles(fresh)

st.subheader("Upload an export")
_ingest.show_result()
limit_mb = int(settings.get("ESCALATION_RADAR_MAX_UPLOAD_MB"))
with st.form("upload_form", clear_on_submit=False):
    upload = st.file_uploader("CSV, Parquet, JSONL or Excel, optionally zipped",
                              key="upload_file", type=_ingest.FILE_TYPES)
    left, right = st.columns(2)
    kind = left.radio("The file holds", ["cases", "reviews"], key="upload_kind", horizontal=True)
    mappings = {p.name: p for p in ingest.list_mappings()}
    mapping = right.selectbox("Mapping", [AUTO, *mappings],
                              key="upload_mapping", help="data/mappings/*.toml: how the export's "
                              "columns map to ours. Without one, canonical headers are recognised.")
    submitted = st.form_submit_button("Ingest", type="primary")
if submitted and upload is None:
    st.warning("Choose a file first.")
elif submitted and (refused := _ingest.refusal(upload, limit_mb)):
    st.error(refused)
elif submitted:
    _ingest.run_ingest(upload, kind, mappings.get(mapping))

st.subheader("Ingest history")
history = data.mart("ingest_history")
if history.empty:
    st.info("Nothing has been ingested yet.")
else:
    st.dataframe(ingest_views.history_table(history), hide_index=True, key="ingest_history")

st.subheader("Rejected rows")
chosen = st.selectbox("Ingest", [None, *ingest_views.ingest_ids(history)], key="rejected_ingest",
                      format_func=lambda i: "all ingests" if i is None else f"ingest {i}")
rejected = data.rejected_rows(chosen)
if rejected.empty:
    st.success("No rejected rows.")
else:
    st.caption("Each row names the file, the data row (1 = first row after the header) and "
               "the column at fault. The newest 1,000 are shown.")
    st.dataframe(rejected, hide_index=True, key="rejected_table")
    every = data.rejected_rows(chosen, shown=rejected)
    st.download_button(f"Download all {len(every):,} rejected rows (CSV)", views.csv_bytes(every),
                       file_name=ingest_views.rejected_file_name(chosen), mime="text/csv",
                       key="rejected_csv", on_click="ignore")
