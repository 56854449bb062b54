"""The Data page's upload: what an upload is refused for, the ingest with a progress bar, and
its result (kept in session state across the rerun that shows the new data)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import ingest
from analytics.ingest.report import printable
from analytics.views.ingests import COUNTS
from ui import data
from ui import upload as _upload
from ui.widgets import plain

FILE_TYPES = list(_upload.ALLOWED)


def _shown(text) -> str:
    """Text from the file (names, headers, values) for st.error/warning/success: control
    characters written as \\x1b etc. (as the CLI prints them), Markdown escaped."""
    return plain(printable(str(text)))


def refusal(upload, limit_mb: int) -> str | None:
    """Why this upload cannot be ingested here (None: it can)."""
    name = plain(_upload.display_name(upload.name))   # shown as Markdown by st.error
    if upload.size > limit_mb * 1024 * 1024:
        return (f"{name} is {upload.size / 2**20:.0f} MB; the limit is {limit_mb} MB "
                "(ESCALATION_RADAR_MAX_UPLOAD_MB). Load it with `python -m analytics ingest`.")
    if _upload.allowed_suffix(upload.name) is None:
        return f"{name} is not a file type the Data page takes: {', '.join(FILE_TYPES)}."
    return None


def run_ingest(upload, kind: str, mapping: Path | None) -> None:
    """Save the upload to a temporary file, ingest it with a progress bar, show the counts.

    The browser's file name is only shown and recorded, never used as a path: the file is
    saved as upload<allowed suffix> in a fresh temporary folder."""
    name = _upload.display_name(upload.name)
    if refused := data.upload_refusal():   # the demo dataset takes nothing but the demo
        st.error(refused)
        return
    bar = st.progress(0.0, text=f"Reading {plain(name)} ...")

    def progress(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=_shown(message or name))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{_upload.allowed_suffix(name)}"
        path.write_bytes(upload.getvalue())
        try:
            report = ingest.ingest_file(path, kind=kind, mapping=mapping,
                                        db_path=data.db_path(), progress=progress,
                                        file_name=name)
        except ingest.IngestError as exc:
            bar.empty()
            st.error(_shown(exc))   # names, headers and values from the file: never Markdown
            return
        except Exception as exc:  # never a traceback in the UI; the message still names it
            bar.empty()
            st.error(_shown(f"{name} could not be loaded: {type(exc).__name__}: {exc}"))
            return
    data.clear()
    # Rerun so freshness and history above show the new data; the report survives in state.
    st.session_state["ingest_result"] = (report.summary(), {c: getattr(report, c) for c in COUNTS},
                                         list(report.messages))
    st.rerun()


def show_result() -> None:
    """The last ingest's summary, counts and messages, once (after its rerun)."""
    if "ingest_result" not in st.session_state:
        return
    summary, counts, messages = st.session_state.pop("ingest_result")
    nothing_stored = counts["rows_read"] > 0 and counts["rows_rejected"] == counts["rows_read"]
    (st.error if nothing_stored else st.success)(_shown(summary))
    st.dataframe(pd.DataFrame([counts]), hide_index=True, key="ingest_counts")
    for message in messages:   # a header such as ![h](http://x) would load an image
        st.warning(_shown(message))
