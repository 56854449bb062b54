"""Data: freshness, upload (ingest with a progress bar), ingest history and rejected rows."""
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import ingest, settings, views
from ui import data
from ui import upload as _upload
from ui import widgets as _ui

COUNTS = ["rows_read", "rows_inserted", "rows_updated", "rows_unchanged", "rows_superseded",
          "rows_rejected"]
AUTO = "(recognise the headers)"
FILE_TYPES = list(_upload.ALLOWED)


HISTORY = ["ingest_id", "started_at", "kind", "file_name", "mapping_name", "status", *COUNTS,
           "duration_s", "file_sha256"]


def _when(value, format: str = "%Y-%m-%d %H:%M", missing: str = "none yet") -> str:
    return missing if value is None or pd.isna(value) else pd.Timestamp(value).strftime(format)


def show_freshness(fresh: dict) -> None:
    complete = _when(fresh.get("last_complete_date"), "%Y-%m-%d", "n/a")
    cells = st.columns(3)
    cells[0].metric("Newest case created (UTC)", _when(fresh.get("newest_created_at")),
                    border=True)
    cells[1].metric("Last ingest (UTC)", _when(fresh.get("last_ingest_at")), border=True)
    cells[2].metric("Complete through", complete, border=True,
                    help="The last market-local day that no longer receives new cases; later "
                         "days are marked incomplete on every chart.")
    cells = st.columns(3)
    cells[0].metric("Cases", f"{int(fresh.get('case_count') or 0):,}", border=True)
    cells[1].metric("Vendor reviews", f"{int(fresh.get('review_count') or 0):,}", border=True)


def run_ingest(upload, kind: str, mapping: Path | None) -> None:
    """Save the upload to a temporary file, ingest it with a progress bar, show the counts.

    The browser's file name is only shown and recorded, never used as a path: the file is
    saved as upload<allowed suffix> in a fresh temporary folder."""
    name = _upload.display_name(upload.name)
    bar = st.progress(0.0, text=f"Reading {name} ...")

    def progress(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or name)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{_upload.allowed_suffix(name)}"
        path.write_bytes(upload.getvalue())
        try:
            report = ingest.ingest_file(path, kind=kind, mapping=mapping,
                                        db_path=data.db_path(), progress=progress,
                                        file_name=name)
        except ingest.IngestError as exc:
            bar.empty()
            st.error(str(exc))
            return
        except Exception as exc:  # never a traceback in the UI; the message still names it
            bar.empty()
            st.error(f"{name} could not be loaded: {type(exc).__name__}: {exc}")
            return
    data.clear()
    # Rerun so freshness and history above show the new data; the report survives in state.
    st.session_state["ingest_result"] = (report.summary(), {c: getattr(report, c) for c in COUNTS},
                                         list(report.messages))
    st.rerun()


def show_result(summary: str, counts: dict, messages: list[str]) -> None:
    nothing_stored = counts["rows_read"] > 0 and counts["rows_rejected"] == counts["rows_read"]
    (st.error if nothing_stored else st.success)(summary)
    st.dataframe(pd.DataFrame([counts]), hide_index=True, key="ingest_counts")
    for message in messages:
        st.warning(message)


fresh = _ui.page_header("Data", "What is loaded, how fresh it is, and loading more.")
show_freshness(fresh)

st.subheader("Upload an export")
if "ingest_result" in st.session_state:
    show_result(*st.session_state.pop("ingest_result"))
limit_mb = int(settings.get("ESCALATION_RADAR_MAX_UPLOAD_MB"))
with st.form("upload_form", clear_on_submit=False):
    upload = st.file_uploader("CSV, Parquet, JSONL or Excel, optionally zipped",
                              key="upload_file", type=FILE_TYPES)
    left, right = st.columns(2)
    kind = left.radio("The file holds", ["cases", "reviews"], key="upload_kind", horizontal=True)
    mappings = {p.name: p for p in ingest.list_mappings()}
    mapping = right.selectbox("Mapping", [AUTO, *mappings],
                              key="upload_mapping", help="data/mappings/*.toml: how the export's "
                              "columns map to ours. Without one, canonical headers are recognised.")
    submitted = st.form_submit_button("Ingest", type="primary")
if submitted and upload is None:
    st.warning("Choose a file first.")
elif submitted and upload.size > limit_mb * 1024 * 1024:
    st.error(f"{_upload.display_name(upload.name)} is {upload.size / 2**20:.0f} MB; the limit is "
             f"{limit_mb} MB (ESCALATION_RADAR_MAX_UPLOAD_MB). Load it with "
             "`python -m analytics ingest`.")
elif submitted and _upload.allowed_suffix(upload.name) is None:
    st.error(f"{_upload.display_name(upload.name)} is not a file type the Data page takes: "
             f"{', '.join(FILE_TYPES)}.")
elif submitted:
    run_ingest(upload, kind, mappings.get(mapping))

st.subheader("Ingest history")
history = data.mart("ingest_history")
if history.empty:
    st.info("Nothing has been ingested yet.")
else:
    columns = [c for c in HISTORY if c in history] + [c for c in history if c not in HISTORY]
    st.dataframe(history[columns], hide_index=True, key="ingest_history")

st.subheader("Rejected rows")
ingest_ids = history["ingest_id"].tolist() if not history.empty else []
chosen = st.selectbox("Ingest", [None] + ingest_ids, key="rejected_ingest",
                      format_func=lambda i: "all ingests" if i is None else f"ingest {i}")
rejected = data.mart("rejected_rows", ingest_id=chosen, limit=1000)
if rejected.empty:
    st.success("No rejected rows.")
else:
    st.caption("Each row names the file, the data row (1 = first row after the header) and "
               "the column at fault. The newest 1,000 are shown.")
    st.dataframe(rejected, hide_index=True, key="rejected_table")
    every = (rejected if len(rejected) < 1000
             else data.mart("rejected_rows", ingest_id=chosen, limit=10_000_000))
    st.download_button(f"Download all {len(every):,} rejected rows (CSV)", views.csv_bytes(every),
                       file_name="rejected_rows.csv" if chosen is None
                       else f"rejected_rows_ingest_{chosen}.csv",
                       mime="text/csv", key="rejected_csv", on_click="ignore")
