"""Snapshots: every frozen snapshot made (who, when, which page and filters, the file's hash).

File names only: the server's folders are nobody's business on a page partners may open, and a
path says where the files live. An error note loses its folders too."""
import re
from pathlib import PurePath

import streamlit as st

from ui import data
from ui import widgets as _ui

# an absolute Windows or POSIX path (not "a/b" inside a word): keep its last part
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\s\\/'\"():]+)*[\\/]([^\s\\/'\"():]+)")


def names_only(text) -> str:
    """`text` with every file path cut to its file name ('/srv/x/kz.html' -> 'kz.html')."""
    return text if not isinstance(text, str) else _PATH.sub(r"\1", text)


_ui.page_header("Snapshots", "Frozen views shared with partners: who made which, when, with what "
                "filters, and the SHA-256 of the HTML to check a copy against.")
made = data.state_rows("snapshot_list")   # the dataset's app state (analytics/state.py)
if made.empty:
    st.info("No snapshots yet. Use Share at the foot of a page, or "
            "`python -m analytics snapshot --page trends --market KZ --out kz.html`.")
    st.stop()
shown = made.assign(html_file=made["html_path"].map(lambda p: PurePath(str(p)).name),
                    png_note=made["png_note"].map(names_only))
st.dataframe(shown[["made_at", "made_by", "page", "title", "filters", "include_examples",
                    "data_as_of", "html_sha256", "html_file", "png_note"]],
             hide_index=True, key="snapshot_list", column_config={
                 "made_at": st.column_config.DatetimeColumn("Made (UTC)"),
                 "include_examples": st.column_config.CheckboxColumn("Example cases"),
                 "html_sha256": st.column_config.TextColumn("SHA-256 of the HTML"),
                 "html_file": st.column_config.TextColumn("HTML file")})
st.caption(f"{len(made)} snapshots. 'Example cases' marks internal-only snapshots that carry "
           "case ids and text.")
