"""The "Share" action at the foot of a page: the link to this exact view, and a frozen snapshot.

Each page calls `share("<page>")` once, at its end. The snapshot is built from the same filters
and the page's own picks (read from the URL, where every page keeps them) by
analytics/snapshots/build.py, zipped (HTML + CSV + PNG) for download, and recorded in the database.
"""
from __future__ import annotations

import datetime as dt
import io
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

import streamlit as st

from analytics.snapshots import build as snapshot
from ui import access as _access
from ui import data

PICKS = {"markets": ("market",), "kpis": ("kpi", "by"), "spikes": ("spike", "grain"),
         "trends": (), "vendors": ("vendor", "period")}


def request_for(page: str, *, include_examples: bool = False, author: str = "") -> snapshot.Request:
    """The snapshot request for the view on screen: sidebar filters + the page's URL picks."""
    filters = st.session_state["filters"]
    selection = {key: st.query_params.get(key) for key in PICKS.get(page, ())
                 if st.query_params.get(key)}
    if page == "trends" and isinstance(st.session_state.get("trends_as_of"), dt.date):
        selection["as_of"] = st.session_state["trends_as_of"].isoformat()
    return snapshot.Request(page, filters.start, filters.end, tuple(filters.markets),
                            tuple(filters.categories), tuple(filters.sources), selection,
                            include_examples, author or None)


def view_link(base: str | None, params: dict[str, list[str]]) -> str:
    """The page's address with the view's query string: `st.context.url` drops the query
    string, so a link built from it alone reopens the page's defaults, not this view.

    >>> view_link("http://host/vendors", {"markets": ["KZ", "UZ"], "vendor": ["Cobalt Ops"]})
    'http://host/vendors?markets=KZ&markets=UZ&vendor=Cobalt+Ops'
    >>> view_link("http://host/kpis", {})
    'http://host/kpis'
    """
    query = urllib.parse.urlencode([(k, v) for k, values in params.items() for v in values])
    return f"{base or ''}?{query}" if query else base or ""


def current_link() -> str:
    """The link to the view on screen: this page's URL and every key in st.query_params."""
    return view_link(st.context.url, {k: st.query_params.get_all(k) for k in st.query_params})


def _zipped(written: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(written["html"], Path(written["html"]).name)
        for path in written["paths"]:
            archive.write(path, f"{Path(written['html']).stem}_files/{path.name}")
    return buffer.getvalue()


def share(page: str) -> None:
    """Draw the Share popover for `page`."""
    st.divider()
    with st.popover("Share", icon=":material/share:"):
        st.markdown("**Link to this view** (filters and selections are in the URL):")
        st.code(current_link(), language=None)
        st.markdown("**Frozen snapshot**: one HTML that opens offline, with the data as CSV "
                    "and charts as PNG. Aggregates only; counts below the threshold show as <10.")
        author = st.text_input("Your name (stamped on it)", key=f"share_author_{page}")
        examples = _access.can_see_cases() and st.checkbox(  # partners: aggregates only
            "Include example cases (internal audiences only)", key=f"share_examples_{page}")
        if st.button("Make snapshot", key=f"share_make_{page}"):
            with st.spinner("Building the snapshot ..."), tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f"{page}-{dt.date.today():%Y%m%d}.html"
                written = snapshot.make(data.db_path(), request_for(
                    page, include_examples=examples, author=author), out)
                st.session_state[f"share_zip_{page}"] = (out.stem + ".zip", _zipped(written),
                                                         written["sha256"], written["png_note"])
        if f"share_zip_{page}" in st.session_state:
            name, payload, digest, png_note = st.session_state[f"share_zip_{page}"]
            st.download_button("Download snapshot (.zip)", payload, file_name=name,
                               mime="application/zip", key=f"share_download_{page}")
            st.caption(f"SHA-256 of the HTML: {digest[:16]}…" +
                       (f"  \nNo PNGs: {png_note}." if png_note else ""))
