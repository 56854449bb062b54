"""The Data page's mapping editor: for an export nothing we ship describes, the suggested column
matches (analytics/ingest/mapping_suggest.py) to accept or change, the time zone and timestamp
format, value maps for status, priority, source and category, a preview of the first rows as
the ingest will load them (analytics/ingest/suggest.preview: the ingest's own plan and
validation), and saving the result as a mapping file the CLI reads too.

Names and values from the file reach the screen only as widget options, table cells or through
`plain()`: never as Markdown or HTML.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import zoneinfo
from pathlib import Path

import streamlit as st

from analytics import contract, settings
from analytics.ingest import IngestError, list_mappings, suggest_mapping
from analytics.ingest import mapping_draft as drafts
from analytics.ingest import mapping_suggest, suggest
from ui import upload as _upload
from ui.widgets import plain

AUTO = "(recognise the headers)"
NEW = "(new mapping: match the columns here)"
NONE = "(not in the file)"
KEEP, MISSING = "(leave as it is)", "(missing)"
ZONES = ["UTC", "Asia/Almaty", "Asia/Tashkent", "Asia/Bishkek", "Europe/Moscow", "Etc/GMT-5",
         "Etc/GMT-6", "Europe/London", "America/New_York"]
MAX_VALUES = 30   # value-map rows shown per column; the rest stay as they are (edit the file)


def mapping_dir() -> Path:
    return drafts.saved_mappings_dir(settings.db_path())


def known_mappings() -> dict[str, Path]:
    """The shipped mappings and those saved beside the database, by file name."""
    found = {p.name: p for p in list_mappings()}
    return found | {p.name: p for p in sorted(mapping_dir().glob("*.toml"))}


def _file_state(upload) -> dict:
    """This upload's saved copy, sample and suggestion, kept for the session (a new file
    starts over: its editor's widgets are reset)."""
    state = st.session_state.get("mapping_file")
    if state and state["file_id"] == upload.file_id:
        return state
    for key in [k for k in st.session_state if str(k).startswith("map_")]:
        del st.session_state[key]
    if state:   # the previous file's copy goes
        shutil.rmtree(state["path"].parent, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix="radar-upload-"))
    path = folder / f"upload{_upload.allowed_suffix(upload.name)}"
    path.write_bytes(upload.getvalue())
    state = {"file_id": upload.file_id, "path": path, "name": _upload.display_name(upload.name)}
    try:
        state["headers"], state["sample"] = suggest.read_sample(path, file_name=state["name"])
        state["fits"] = suggest_mapping(path, file_name=state["name"])
    except IngestError as exc:
        state["error"] = str(exc)
    st.session_state["mapping_file"] = state
    return state


def suggestion(state: dict, kind: str) -> mapping_suggest.Suggestion:
    """The file's suggestions for `kind`, computed once (a second or so on a wide file)."""
    found = state.setdefault("suggestions", {})
    if kind not in found:
        found[kind] = mapping_suggest.suggest(state["headers"], state["sample"], kind)
    return found[kind]


def choose_mapping(upload) -> bool:
    """Before the mapping select box: a new upload preselects a mapping whose columns are all
    in the file, else the editor when its headers lack a required column and some header names
    one (a file where nothing is recognised gets the ingest's own messages). True when the
    editor was opened just now: its suggestions have not been seen yet."""
    if upload is None or _upload.allowed_suffix(upload.name) is None:
        return False
    seen = st.session_state.get("mapping_file", {}).get("file_id")
    state = _file_state(upload)
    if seen == upload.file_id or "error" in state:
        return False
    fits = [m for m in state["fits"]["mappings"] if m in known_mappings()]
    found = suggestion(state, state["fits"]["kind"] or "cases")
    named = any(found.reasons.get(c.name, "").startswith(("a usual", "its words", "a similar"))
                for c in contract.TABLES[found.kind] if c.required)
    lacking = state["fits"]["missing_required"] or state["fits"]["kind"] is None
    st.session_state["upload_mapping"] = fits[0] if fits else NEW if lacking and named else AUTO
    return st.session_state["upload_mapping"] == NEW


def _columns(state: dict, found, kind: str) -> dict[str, str]:
    st.markdown("**Columns** — suggested from the header names and the values; change any.")
    options = [NONE, *state["headers"]]
    chosen, cells = {}, st.columns(3)
    for i, spec in enumerate(c for c in contract.TABLES[kind] if c.name != "region"):
        header = found.columns.get(spec.name)
        why = found.reasons.get(spec.name, "")
        picked = cells[i % 3].selectbox(
            f"{spec.name}{' (required)' if spec.required else ''}", options,
            index=options.index(header) if header in options else 0, key=f"map_col_{spec.name}",
            help=f"{spec.help} Suggested: {why}." if why else spec.help)
        if picked != NONE:
            chosen[spec.name] = picked
    return chosen


def _time(found) -> tuple[str, str, tuple[str, ...]]:
    left, middle, right = st.columns(3)
    zones = list(dict.fromkeys([found.time_zone, *ZONES, *sorted(zoneinfo.available_timezones())]))
    zone = left.selectbox("Time zone of times without an offset", zones, key="map_zone",
                          help="Times written with an offset (+05:00, Z) keep theirs. "
                               "Etc/GMT-5 is UTC+5 (the sign is reversed in these names).")
    if found.time_zone_reason:
        left.caption(f"Suggested from the {plain(found.time_zone_reason)}.")
    formats = list(dict.fromkeys([found.timestamp_format, mapping_suggest.ISO,
                                  *mapping_suggest.TIMESTAMP_FORMATS]))
    fmt = middle.selectbox("Date and time format", formats, key="map_format",
                           accept_new_options=True,
                           help="Python strptime codes (%d.%m.%Y %H:%M is 03.02.2026 14:05); "
                                "ISO 8601 is 2026-02-03 14:05. Type another if none fits.")
    nulls = right.text_input("Values that mean missing", ", ".join(found.null_values),
                             key="map_nulls", help="Comma-separated, as written in the file "
                             "(an empty value is always missing).")
    return zone, fmt, tuple(dict.fromkeys(v.strip() for v in nulls.split(",") if v.strip()))


def _value_key(column: str, tag: int, value: str) -> str:
    digest = hashlib.sha1(value.encode("utf-8", "replace")).hexdigest()[:12]
    return f"map_value_{column}_{tag}_{digest}"


def _value_map(column: str, values: list[str], found: dict, choices: list[str],
               tag: int) -> dict[str, str]:
    """One select box per distinct value, keyed by the source column's position `tag` and the
    value itself (a different column, or a value dropped as missing, leaves no box behind)."""
    table, cells = {}, st.columns(3)
    for i, value in enumerate(values[:MAX_VALUES]):
        options = [KEEP, *choices, MISSING]
        default = found.get(value)
        picked = cells[i % 3].selectbox(
            plain(value), options, index=options.index(default) if default in options else 0,
            key=_value_key(column, tag, value), accept_new_options=column == "abuse_category")
        if picked == MISSING:
            table[value] = ""
        elif picked not in (KEEP, value):
            table[value] = picked
    if len(values) > MAX_VALUES:
        st.caption(f"{len(values) - MAX_VALUES} more values are left as they are; edit the "
                   "saved file to map them.")
    return table


def _values(state: dict, columns: dict[str, str], categories: list[str],
            nulls: tuple[str, ...]) -> dict:
    maps = {}
    for column in ("status", "priority", "source", "abuse_category"):
        header = columns.get(column)
        if header is None or header not in state["sample"]:
            continue
        counts = _value_counts(state, header)
        values = [v for v in counts.index if v not in nulls]
        spec = next(c for c in contract.CASE_COLUMNS if c.name == column)
        found = {v: mapping_suggest.canonical_value(v, column) for v in values} if spec.allowed else {}
        with st.expander(f"Values of {column} ({len(values)} in the file)",
                         expanded=bool(spec.allowed)):
            if spec.allowed:
                st.caption(f"Allowed: {', '.join(spec.allowed)}. A value left as it is that is "
                           "not one of them rejects its row.")
            else:
                st.caption("Any value is kept; rename values to the categories already loaded "
                           "so that they count together.")
            maps[column] = _value_map(column, values, found, list(spec.allowed) or categories,
                                      state["headers"].index(header))
    return maps


def _value_counts(state: dict, header: str):
    """Every value of one column in the whole file, most frequent first (read once per file
    and column)."""
    known = state.setdefault("value_counts", {})
    if header not in known:
        try:
            known[header] = suggest.value_counts(state["path"], [header],
                                                 file_name=state["name"])[header]
        except IngestError:   # unreadable further on (the ingest will say where): the first rows
            known[header] = state["sample"][header].astype("str").str.strip().value_counts()
    return known[header]


def editor(upload, kind: str, categories: list[str]) -> drafts.Draft | None:
    """The editor's widgets and preview; the draft they describe (None: the file is unreadable)."""
    state = _file_state(upload)
    if "error" in state:
        st.error(plain(state["error"]))
        return None
    found = suggestion(state, kind)
    columns = _columns(state, found, kind)
    zone, fmt, nulls = _time(found)
    draft = drafts.Draft(kind, columns, fmt, zone, zone, _values(state, columns, categories, nulls),
                         nulls)
    _preview(state, draft)
    return draft


def _preview(state: dict, draft: drafts.Draft) -> None:
    st.markdown("**Preview** — the first 20 rows as they will load (times in UTC).")
    try:
        shown = suggest.preview(state["path"], drafts.check(draft), kind=draft.kind,
                                file_name=state["name"])
    except (ValueError, IngestError) as exc:
        st.error(plain(exc))
        return
    st.dataframe(shown["loaded"], hide_index=True, key="map_preview")
    if len(shown["problems"]):
        st.caption(f"{shown['problems']['row_number'].nunique()} of the first 20 rows would be "
                   "rejected:")
        st.dataframe(shown["problems"], hide_index=True, key="map_problems")
    for message in shown["messages"]:
        st.warning(plain(message))


def save_form(upload, draft: drafts.Draft) -> Path | None:
    """Name and save the mapping; the saved path (this session's, for this file) or None."""
    state = _file_state(upload)
    stem = "".join(c if c.isalnum() and c.isascii() else "_" for c in Path(state["name"]).stem)
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    name = left.text_input("Mapping name", value=stem.strip("_")[:60] or "my_export",
                           key="map_name", help="Letters, digits, - and _. Saved as "
                           f"{mapping_dir()}/NAME.toml")
    replace = middle.checkbox("Replace a mapping of that name", key="map_replace")
    if right.button("Save mapping", key="map_save"):
        own = state.get("saved") == mapping_dir() / f"{name}.toml"
        state["saved"] = save(draft, name, replace or own)
    saved = state.get("saved")
    if saved:
        st.success(f"Saved {plain(saved)}. Load more files like this one with:")
        st.code(f"python -m analytics ingest FILE --mapping {saved}", language="bash")
    return saved


def for_ingest(upload, draft: drafts.Draft | None) -> Path | None:
    """The mapping file the Ingest button loads with: the draft on screen, saved under the
    form's name first (replacing this session's own save of it), so the ingest reads exactly
    the file the CLI would. None (with a message) when it cannot be saved."""
    if draft is None:
        return None
    state = _file_state(upload)
    name = st.session_state.get("map_name", "")
    own = state.get("saved") == mapping_dir() / f"{name}.toml"
    state["saved"] = save(draft, name, bool(st.session_state.get("map_replace")) or own)
    return state["saved"]


def save(draft: drafts.Draft, name: str, replace: bool) -> Path | None:
    try:
        return drafts.save(draft, mapping_dir(), name, replace=replace,
                           comment=f"Written on the Data page for {st.session_state['mapping_file']['name']}.")
    except ValueError as exc:
        st.error(plain(exc))
        return None
