"""Frozen snapshots: one self-contained HTML file that opens offline, plus CSVs and PNGs.

`make(db_path, request, out)` is the one call (CLI and the app's Share action alike): it reads
the database read-only, builds the page's sections (analytics/snapshots/pages.py: aggregated and
small-cell protected, analytics/privacy.py), writes `out` (the HTML, Plotly's JS embedded) and
`<out stem>_files/` (a CSV per table — formula-like text neutralised as in every export, see
`views.csv_bytes` — and a PNG per chart), keeps a copy of them beside the database
(analytics/snapshots/store.py: `<db stem>.snapshots/<id>/`), and records who made what, when, with
which filters and the file's SHA-256 in the dataset's app state (analytics/state.py: a small
transaction beside the case database, which stays untouched).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path

import pandas as pd

from analytics import db, privacy, views
from analytics import state as app_state
from analytics.snapshots import detections, pages, store, weekly_review
from analytics.snapshots.html import render
from analytics.snapshots.images import export_pngs
from analytics.snapshots.model import (  # noqa: F401 (PAGES, Section: re-exported)
    PAGES,
    Request,
    Section,
    Snapshot,
    author,
    product_version,
)


def write(snapshot: Snapshot, out: Path, *, browser="auto", made_at: dt.datetime) -> dict:
    """Write the HTML at `out` and its CSVs/PNGs beside it; returns what was written."""
    out = Path(out)
    folder = out.with_name(out.stem + "_files")
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for section in snapshot.sections:
        if section.data is not None:
            path = folder / f"{section.name}.csv"
            path.write_bytes(views.csv_bytes(section.data))  # no live formulas
            files.append(path)
    figures = {s.name: s.figure for s in snapshot.sections if s.figure is not None}
    pngs, png_note = export_pngs(figures, folder, browser=browser)
    stamp = {"made_by": author(snapshot.request), "made_at": made_at,
             "version": product_version(), "threshold": privacy.threshold(),
             "png_note": png_note, "files": [p.name for p in files + pngs],
             "folder": folder.name}
    out.write_text(render(snapshot, stamp), encoding="utf-8")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return stamp | {"html": out, "sha256": digest, "paths": files + pngs}


def record(db_path: Path, snapshot: Snapshot, written: dict) -> str:
    """Keep the snapshot's files in the dataset's store (analytics/snapshots/store.py: they
    outlive the file written, e.g. the Share action's temporary folder) and record it in the
    dataset's app state, `html_path` naming the kept HTML; returns its id."""
    snapshot_id = uuid.uuid4().hex[:12]
    kept = store.keep(db_path, snapshot_id, Path(written["html"]), list(written["paths"]))
    try:
        with app_state.writer(db_path) as con:
            app_state.run_sql(
                con, "snapshot_insert", snapshot_id=snapshot_id, page=snapshot.request.page,
                title=snapshot.title, made_by=written["made_by"], made_at=written["made_at"],
                filters=snapshot.request.filters_json(),
                include_examples=snapshot.request.include_examples,
                data_as_of=snapshot.data_as_of, html_path=str(kept.resolve()),
                html_sha256=written["sha256"], files=json.dumps(written["files"]),
                png_note=written["png_note"])
    except BaseException:
        store.discard(db_path, snapshot_id)   # no folder without its record
        raise
    return snapshot_id


def build(con, request: Request) -> Snapshot:
    """The page's sections, read through `con` (read-only)."""
    builders = {"overview": pages.overview, "markets": pages.markets,
                "kpis": pages.kpi_page, "spikes": detections.spikes,
                "trends": detections.trends, "vendors": weekly_review.vendors,
                "wbr": weekly_review.weekly_review}
    return builders[request.page](con, request)


def make(db_path: Path, request: Request, out: Path, *, browser="auto") -> dict:
    """Build, write and record one snapshot; returns what `write` returned plus `snapshot_id`."""
    db.refresh_if_stale(db_path)  # a file from older code lacks newer views
    with db.reader(db_path) as con:
        snapshot = build(con, request)
    made_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    written = write(snapshot, Path(out), browser=browser, made_at=made_at)
    return written | {"snapshot_id": record(db_path, snapshot, written), "snapshot": snapshot}


def listing(source) -> pd.DataFrame:
    """Every recorded snapshot, newest first, from the dataset's app state; `source` is the
    case database's path or a connection reading it."""
    return app_state.read(source, "snapshot_list")
