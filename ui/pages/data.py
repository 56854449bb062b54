"""Data: freshness, upload (ingest with a progress bar), ingest history and rejected rows."""
import streamlit as st

from analytics import settings, views
from analytics.views import ingests as ingest_views
from ui import data
from ui import ingest_form as _ingest
from ui import mapping_form as _mapping
from ui import widgets as _ui

fresh = _ui.page_header("Data", "What is loaded, how fresh it is, and loading more.")
_ui.freshness_tiles(fresh)

st.subheader("Upload an export")
_ingest.show_result()
limit_mb = int(settings.get("ESCALATION_RADAR_MAX_UPLOAD_MB"))
upload = st.file_uploader("CSV, Parquet, JSONL or Excel, optionally zipped", key="upload_file",
                          type=_ingest.FILE_TYPES)
refused = upload is not None and _ingest.refusal(upload, limit_mb)
if refused:
    st.error(refused)
unseen = not refused and _mapping.choose_mapping(upload)   # a new file: a mapping, or the editor
left, right = st.columns(2)
kind = left.radio("The file holds", ["cases", "reviews"], key="upload_kind", horizontal=True)
mappings = _mapping.known_mappings()
mapping = right.selectbox("Mapping", [_mapping.AUTO, _mapping.NEW, *mappings],
                          key="upload_mapping", help="How the export's columns map to ours: a "
                          "mapping file, or a new one written here. Without one, canonical "
                          "headers are recognised.")
editing = mapping == _mapping.NEW and upload is not None and not refused
draft = _mapping.editor(upload, kind, data.filter_options()["categories"]) if editing else None
if draft is not None:
    _mapping.save_form(upload, draft)
if st.button("Ingest", type="primary", key="upload_ingest",
             help="With a new mapping, it is saved first: the ingest reads that file."):
    if upload is None:
        st.warning("Choose a file first.")
    elif unseen:
        st.info("Check the suggested column matches above, then press Ingest.")
    elif not refused and (not editing or (path := _mapping.for_ingest(upload, draft))):
        _ingest.run_ingest(upload, kind, path if editing else mappings.get(mapping))

st.subheader("Ingest history")
history = data.mart("ingest_history")
if history.empty:
    st.info("Nothing has been ingested yet.")
else:
    table = ingest_views.history_table(history)
    st.dataframe(table, hide_index=True, key="ingest_history", column_config=_ui.headers(table))

st.subheader("Rejected rows")
chosen = st.selectbox("Ingest", [None, *ingest_views.ingest_ids(history)], key="rejected_ingest",
                      format_func=lambda i: "all ingests" if i is None else f"ingest {i}")
rejected = data.rejected_rows(chosen)
if rejected.empty:
    st.success("No rejected rows.")
else:
    st.caption("Each row names the file, the data row (1 = first row after the header) and "
               "the column at fault. The newest 1,000 are shown.")
    st.dataframe(rejected, hide_index=True, key="rejected_table",
                 column_config=_ui.headers(rejected))
    every = data.rejected_rows(chosen, shown=rejected)
    st.download_button(f"Download all {len(every):,} rejected rows (CSV)", views.csv_bytes(every),
                       file_name=ingest_views.rejected_file_name(chosen), mime="text/csv",
                       key="rejected_csv", on_click="ignore")
