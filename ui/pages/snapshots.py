"""Snapshots: every frozen snapshot made (who, when, which page, its filters in words), with its
kept files to download again and its HTML to open here (analytics/snapshots/store.py).

Internal roles see every snapshot; partners only the aggregate-only ones (a snapshot made with
example cases carries case ids and text). File names only, never the server's folders; every
user-written value is escaped before it is rendered."""
import re
import shlex
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.snapshots import store
from ui import access as _access
from ui import data
from ui import widgets as _ui

# an absolute Windows or POSIX path (not "a/b" inside a word): keep its last part
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\s\\/'\"():]+)*[\\/]([^\s\\/'\"():]+)")


def names_only(text) -> str:
    """`text` with every file path cut to its file name ('/srv/x/kz.html' -> 'kz.html')."""
    return text if not isinstance(text, str) else _PATH.sub(r"\1", text)


_ui.page_header("Snapshots", "Frozen views made with Share (or `python -m analytics snapshot`): "
                "who made which, when, with what filters; download its files again or open it.")
made = data.state_rows("snapshot_list")   # the dataset's app state (analytics/state.py)
internal = _access.can_see_cases()
if not internal:   # partners: aggregate-only snapshots, never one with case text
    made = made[~made["include_examples"]]
if made.empty:
    st.info("No snapshots yet. Use Share at the foot of a page, or from a shell:")
    largest = next(iter(data.markets_in_view(st.session_state["filters"])), None)  # not the demo's KZ
    st.code("python -m analytics snapshot --page trends"
            + (f" --market {shlex.quote(str(largest))}" if largest else "") + " --out view.html",
            language="bash")
    st.stop()
made = made.reset_index(drop=True).assign(
    in_words=[store.in_words(f, e) for f, e in zip(made["filters"], made["include_examples"])],
    html_file=made["html_path"].map(lambda p: Path(str(p)).name),
    kept=[bool(store.files(data.db_path(), row)) for row in made.to_dict("records")])
st.dataframe(made[["made_at", "made_by", "title", "kept", "html_file", "in_words"]],
             hide_index=True, key="snapshot_list", column_config={
                 "made_at": st.column_config.DatetimeColumn("Made (UTC)", format="YYYY-MM-DD HH:mm"),
                 "made_by": "Made by", "title": "Title", "html_file": "HTML file",
                 "kept": st.column_config.CheckboxColumn("Files kept", width="small"),
                 "in_words": st.column_config.TextColumn("Filters", width="large")})
st.caption(f"{len(made)} snapshots" + ("" if internal else " (aggregate-only: the ones a partner "
           "may see)") + ". 'with case text' marks internal-only snapshots with example cases.")

label = lambda i: (f"{made.at[i, 'made_at']:%Y-%m-%d %H:%M} · {made.at[i, 'title']} · "
                   f"{made.at[i, 'made_by'] or 'unknown'}")
picked = st.selectbox("Snapshot", made.index, format_func=label, key="snapshot_pick")
row = made.loc[picked].to_dict()
as_of = row["data_as_of"]
st.markdown(f"**{_ui.plain(row['title'])}**, made by {_ui.plain(row['made_by'] or 'unknown')}  \n"
            f"Filters: {_ui.plain(row['in_words'])}  \n"
            f"Data as of: {'n/a' if pd.isna(as_of) else f'{as_of:%Y-%m-%d %H:%M}'} · "
            f"SHA-256 of the HTML: {_ui.plain(row['html_sha256'])}"
            + (f"  \nNote: {_ui.plain(names_only(row['png_note']))}" if row["png_note"] else ""))
kept = store.files(data.db_path(), row)
if not kept:
    st.warning("This snapshot's files are not kept: it was made before snapshots were kept "
               "beside the database, or retention (purge) removed them.")
    st.stop()
columns = st.columns(min(len(kept), 4))
for i, item in enumerate(kept):
    with columns[i % len(columns)]:   # read on click only: an HTML is several MB
        st.download_button(item["name"], data=lambda p=item["path"]: p.read_bytes(),
                           file_name=item["name"], mime=item["mime"], key=f"snapshot_file_{i}",
                           icon=":material/download:", on_click="ignore")
if st.toggle("Open the HTML here", key="snapshot_open"):
    st.iframe(kept[0]["path"], height=800, alt=f"Snapshot {row['title']}")
