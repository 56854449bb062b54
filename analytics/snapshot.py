"""Frozen snapshots: one self-contained HTML file that opens offline, plus CSVs and PNGs.

`make(db_path, request, out)` is the one call (CLI and the app's Share action alike): it reads
the database read-only, builds the page's sections (analytics/snapshot_pages.py: aggregated and
small-cell protected, analytics/privacy.py), writes `out` (the HTML, Plotly's JS embedded) and
`<out stem>_files/` (a CSV per table, a PNG per chart), and records who made what, when, with
which filters and the file's SHA-256 in the `snapshots` table through the one writer.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import subprocess
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analytics import db, privacy, settings
from analytics.snapshot_images import export_pngs

PAGES = ("overview", "markets", "kpis", "spikes", "trends", "vendors", "wbr")


@dataclass(frozen=True)
class Request:
    """What to snapshot: a page, the sidebar filters, the page's own selection."""
    page: str
    start: dt.date | None = None
    end: dt.date | None = None
    markets: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    selection: dict = field(default_factory=dict)  # e.g. {"market": "KZ"}, {"spike": id}
    include_examples: bool = False
    author: str | None = None

    def __post_init__(self):
        if self.page not in PAGES:
            raise ValueError(f"page must be one of {PAGES}, not {self.page!r}")

    def filters_json(self) -> str:
        plain = asdict(self) | {"start": self.start and self.start.isoformat(),
                                "end": self.end and self.end.isoformat()}
        plain.pop("author")
        return json.dumps(plain, sort_keys=True, default=str)


@dataclass
class Section:
    """One block of a snapshot: a title, a note, a published table and/or a chart."""
    name: str                           # file-safe: the CSV and PNG are named after it
    title: str
    note: str = ""
    table: pd.DataFrame | None = None   # what the HTML shows (text, already protected)
    data: pd.DataFrame | None = None    # what the CSV holds (published values only)
    figure: go.Figure | None = None


@dataclass
class Snapshot:
    request: Request
    title: str
    period: str
    data_as_of: dt.datetime | None
    sections: list[Section]
    kpis: list[str]
    notes: list[str] = field(default_factory=list)


def product_version() -> str:
    """The package version and the git commit of the checkout that made the snapshot."""
    try:
        commit = subprocess.run(["git", "-C", str(settings.ROOT), "describe", "--always",
                                 "--dirty"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"Escalation Radar {commit.strip() or 'unknown commit'}"


def author(request: Request) -> str:
    if request.author:
        return request.author
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): say so rather than guess
        return "unknown"


def write(snapshot: Snapshot, out: Path, *, browser="auto", made_at: dt.datetime) -> dict:
    """Write the HTML at `out` and its CSVs/PNGs beside it; returns what was written."""
    from analytics.snapshot_html import render

    out = Path(out)
    folder = out.with_name(out.stem + "_files")
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for section in snapshot.sections:
        if section.data is not None:
            path = folder / f"{section.name}.csv"
            section.data.to_csv(path, index=False, encoding="utf-8-sig")
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
    """Store the snapshot's record (the one writer); returns its id."""
    snapshot_id = uuid.uuid4().hex[:12]
    with db.writer(db_path, derived="keep") as con:   # a record: no case data changes
        db.run_sql(con, "snapshots/snapshot_insert", snapshot_id=snapshot_id,
                   page=snapshot.request.page, title=snapshot.title,
                   made_by=written["made_by"], made_at=written["made_at"],
                   filters=snapshot.request.filters_json(),
                   include_examples=snapshot.request.include_examples,
                   data_as_of=snapshot.data_as_of, html_path=str(Path(written["html"]).resolve()),
                   html_sha256=written["sha256"], files=json.dumps(written["files"]),
                   png_note=written["png_note"])
    return snapshot_id


def build(con, request: Request) -> Snapshot:
    """The page's sections, read through `con` (read-only)."""
    from analytics import snapshot_detect, snapshot_pages, snapshot_wbr

    builders = {"overview": snapshot_pages.overview, "markets": snapshot_pages.markets,
                "kpis": snapshot_pages.kpi_page, "spikes": snapshot_detect.spikes,
                "trends": snapshot_detect.trends, "vendors": snapshot_wbr.vendors,
                "wbr": snapshot_wbr.weekly_review}
    return builders[request.page](con, request)


def make(db_path: Path, request: Request, out: Path, *, browser="auto") -> dict:
    """Build, write and record one snapshot; returns what `write` returned plus `snapshot_id`."""
    db.refresh_if_stale(db_path)  # a file from older code lacks newer views
    with db.reader(db_path) as con:
        snapshot = build(con, request)
    made_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    written = write(snapshot, Path(out), browser=browser, made_at=made_at)
    return written | {"snapshot_id": record(db_path, snapshot, written), "snapshot": snapshot}


def listing(con) -> pd.DataFrame:
    """Every recorded snapshot, newest first (empty before the table existed)."""
    try:
        return db.query_df(con, "marts/snapshot_list")
    except Exception:  # a database written before 16_snapshots.sql: nothing recorded yet
        return pd.DataFrame(columns=["snapshot_id", "made_at", "made_by", "page", "title",
                                     "filters", "include_examples", "data_as_of", "html_path",
                                     "html_sha256", "files", "png_note"])
