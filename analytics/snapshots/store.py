"""Where a snapshot's files are kept: `<db stem>.snapshots/<snapshot id>/` beside the database.

Every snapshot made (the CLI and the app's Share action alike) is copied here when it is
recorded, so the Snapshots page can offer it again after the file it was written to is gone (the
Share action writes into a temporary folder that is deleted at once). Layout, per snapshot:

    <db stem>.snapshots/<id>/<name>.html           the offline HTML
    <db stem>.snapshots/<id>/<name>_files/*.csv    one CSV per table, one PNG per chart

the same shape `build.write` gives (`<out>` + `<out stem>_files/`), so the record's `html_path`
names the kept HTML and its folder is found as everywhere else. Written atomically: the files
go to `<id>.partial-<pid>/`, are fsynced, and the folder is renamed to `<id>/` (one rename) before
the record's transaction; a failed record removes the folder. A folder without a record (a
process killed between the two) is never listed and `sweep` removes it.

Why files, not BLOBs in the state store: docs/sharing.md ("Where snapshots are kept").

`with_case_text(source)` lists the snapshots whose files hold case ids and text (made with
example cases: the record's `include_examples`), for retention (purge) to delete or redact.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd

from analytics import db
from analytics import state as app_state

SUFFIX = ".snapshots"
MIME = {".html": "text/html", ".csv": "text/csv", ".png": "image/png"}


def folder_for(db_path) -> Path:
    """The folder holding every kept snapshot of the dataset at `db_path`."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + SUFFIX)


def keep(db_path, snapshot_id: str, html: Path, paths: list[Path]) -> Path:
    """Copy a written snapshot (its HTML and the files beside it) into the store, atomically;
    returns the kept HTML's path. `snapshot_id` is a hex id (never a user value)."""
    if not snapshot_id.isalnum():
        raise ValueError(f"snapshot id {snapshot_id!r} is not alphanumeric")
    html = Path(html)
    root = folder_for(db_path)
    root.mkdir(parents=True, exist_ok=True)
    final, partial = root / snapshot_id, root / f"{snapshot_id}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    files = partial / f"{html.stem}_files"
    files.mkdir(parents=True)
    try:
        copies = [Path(shutil.copyfile(html, partial / html.name))]
        copies += [Path(shutil.copyfile(p, files / Path(p).name)) for p in paths]
        for path in copies + [files, partial]:
            db._fsync(path)
        os.rename(partial, final)   # the snapshot's folder appears whole or not at all
        db._fsync(root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final / html.name


def discard(db_path, snapshot_id: str) -> None:
    """Remove a kept snapshot's folder (its record failed, or retention removes it)."""
    if snapshot_id.isalnum():
        shutil.rmtree(folder_for(db_path) / snapshot_id, ignore_errors=True)


def files(db_path, record) -> list[dict]:
    """The kept files of one snapshot record (a row of sql/state/snapshot_list.sql): each a
    dict with `name` (file name only), `mime` and `path` (for reading; never shown). Empty when
    the snapshot was made before files were kept, or its files were removed (purge)."""
    folder = folder_for(db_path) / str(record["snapshot_id"])
    html = Path(str(record["html_path"]))
    if not str(record["snapshot_id"]).isalnum() or not (folder / html.name).is_file():
        return []
    kept = [folder / html.name]
    kept += [folder / f"{html.stem}_files" / name for name in json.loads(record["files"] or "[]")
             if name == Path(name).name]   # a bare file name, never a way out of the folder
    return [{"name": p.name, "mime": MIME.get(p.suffix.lower(), "application/octet-stream"),
             "path": p} for p in kept if p.is_file()]


def sweep(db_path, *, older_than_s: float = 3600.0) -> list[str]:
    """Remove folders the store holds without a record (a keep interrupted before its record
    was written), once older than `older_than_s` (a younger one may be a keep in progress in
    another process); returns their names."""
    root = folder_for(db_path)
    if not root.is_dir():
        return []
    recorded = set(app_state.read(db_path, "snapshot_list")["snapshot_id"].astype(str))
    cutoff = time.time() - older_than_s
    gone = [p.name for p in root.iterdir() if p.is_dir() and p.name not in recorded
            and p.stat().st_mtime < cutoff]
    for name in gone:
        shutil.rmtree(root / name, ignore_errors=True)
    return gone


def with_case_text(source) -> pd.DataFrame:
    """The snapshots that hold case ids and text (made with example cases), with where their
    files are kept: columns snapshot_id, made_at, made_by, page, title, html_path, files."""
    return app_state.read(source, "snapshot_case_text")


def in_words(filters: str | dict, include_examples: bool) -> str:
    """A snapshot's filters as a reader says them: 'Trends page · markets KZ · all categories ·
    all sources · 2026-01-01 to 2026-03-31 · aggregate-only'. Values are the user's: escape
    them before rendering as Markdown."""
    plain = json.loads(filters) if isinstance(filters, str) else dict(filters)
    picked = lambda key, name: (f"{name} {', '.join(map(str, plain[key]))}"
                                if plain.get(key) else f"all {name}")
    start, end = plain.get("start"), plain.get("end")
    dates = (f"{start} to {end}" if start and end else f"from {start}" if start
             else f"until {end}" if end else "all dates")
    page = str(plain.get("page", "?"))
    parts = [("weekly business review" if page == "wbr" else f"{page.capitalize()} page"),
             picked("markets", "markets"), picked("categories", "categories"),
             picked("sources", "sources"), dates]
    parts += [f"{key} {value}" for key, value in sorted((plain.get("selection") or {}).items())]
    parts.append("with case text" if include_examples else "aggregate-only")
    return " · ".join(parts)
