"""`python -m analytics purge --before DATE [--db PATH]`: data retention.

Removes cases created (market-local date) before DATE with their events and reviews, reviews
decided before DATE, and the quarantined raw records of ingests started before DATE (they hold
personal data too). Derived tables (sql/derived/) are rebuilt by the writer from what is left, so
no aggregate keeps the removed cases. One writer transaction: it lands whole or not at all, and
leaves an entry in the ingest log (`ingests`, kind 'purge', what was removed in file_name).

Then it forgets (`forget`, issue 17 point 8): a DELETE leaves the removed text in the file's
free blocks (`strings` recovered all 50 purged summaries), so
- the case database is rewritten: its live rows copied into a fresh file (COPY FROM DATABASE),
  which replaces it atomically under the writer lock (readers keep the old inode until they
  close; no file the product keeps holds it); a killed ingest's spill folder (staged rows) goes
  with it, as a killed writer's scratch copy went in the purge's own writer block;
- the stored detection results (`.<db name>.results/`, pickles that can hold example cases and
  terms) are deleted: the next page or precompute recomputes them;
- the app-state store (`<db stem>.state.sqlite`): a snapshot whose files hold a purged case id or
  summary has its files deleted and its record marked "deleted by purge"; the others are kept
  and marked as made from data since purged; then SQLite rewrites the store with secure_delete,
  VACUUM and a truncating WAL checkpoint, so freed pages keep nothing. A snapshot file holds the
  text as written, HTML-escaped or JSON-escaped: each form is searched for;
- every lake `python -m analytics lake export` wrote from this database (noted beside it:
  analytics/engines/lake.py) is written again from the purged database (its cases and reviews
  folders replaced whole).
The empty-store templates in ESCALATION_RADAR_CACHE_DIR hold no case data, and the product writes
no log files (progress and errors go to the terminal). tests/test_purge_bytes.py searches every
file in the data folder, the cache folder and an exported lake for the purged text.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import glob
import html as html_text
import json
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import duckdb

from analytics import db, settings, state
from analytics.engines import lake
from analytics.results import cache as results_cache
from analytics.snapshots import store as snapshot_store

# Order matters: events and reviews find their cases before the cases go.
STEPS = (("case_events", "purge_case_events"), ("reviews", "purge_reviews"),
         ("cases", "purge_cases"), ("rejected_rows", "purge_rejected_rows"))


def purge(before: dt.date, *, db_path=None) -> dict[str, int]:
    """Delete what is older than `before`; rows removed per table (and the log's ingest_id)."""
    started, started_at = time.monotonic(), dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db_path = Path(db_path or settings.db_path())
    with db.writer(db_path) as con:
        texts = {str(v) for row in db.run_sql(con, "ingest/purge_texts", before=before).fetchall()
                 for v in row if v is not None and str(v).strip()}
        removed = {table: int(db.run_sql(con, f"ingest/{sql}", before=before).fetchall()[0][0])
                   for table, sql in STEPS}
        ingest_id = int(db.run_sql(con, "ingest/next_ingest_id").fetchall()[0][0])
        description = f"purge before {before.isoformat()}: " + ", ".join(
            f"{n:,} {table}" for table, n in removed.items())
        db.run_sql(con, "ingest/purge_log", ingest_id=ingest_id, description=description,
                   started_at=started_at, duration_s=time.monotonic() - started).fetchall()
    forget(db_path, texts, before)
    return removed | {"ingest_id": ingest_id}


def forget(db_path: Path, texts: set[str], before: dt.date) -> None:
    """Leave no copy of purged text in the files the product keeps (module docstring)."""
    rewrite(db_path)
    shutil.rmtree(results_cache.folder_for(db_path), ignore_errors=True)
    if state.path_for(db_path).exists():
        _forget_in_snapshots(db_path, texts, before)
    for exported in lake.exported_to(db_path):
        if (exported / "cases").is_dir():
            lake.export(db_path, exported)


def rewrite(db_path: Path) -> None:
    """The live database copied, rows only, into a fresh file that replaces it atomically."""
    timeout = float(settings.get("ESCALATION_RADAR_LOCK_TIMEOUT_S"))
    with db._writer_lock(db_path, timeout, None):   # noqa: SLF001 - the writers' own lock
        # a killed ingest's spill folder holds staged rows (no ingest runs while the lock is held)
        for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.spill-*"):
            shutil.rmtree(stale, ignore_errors=True)
        fresh = db_path.with_name(f"{db_path.name}.writing-{os.getpid()}")
        fresh.unlink(missing_ok=True)
        con, replaced = duckdb.connect(), False
        try:
            con.execute("attach $path as src (read_only)", {"path": str(db_path)})
            con.execute("attach $path as fresh", {"path": str(fresh)})
            con.execute("copy from database src to fresh")
            con.execute("detach src")
            con.execute("checkpoint fresh")
            con.execute("detach fresh")
            con.close()
            db._fsync(fresh)   # noqa: SLF001
            os.replace(fresh, db_path)
            replaced = True
        finally:
            con.close()
            if not replaced:   # the live file is untouched; no half-written copy stays
                for leftover in (fresh, Path(f"{fresh}.wal")):
                    leftover.unlink(missing_ok=True)


def written_forms(text: str) -> set[str]:
    """`text` as a file may hold it: as is, HTML-escaped (with and without quotes) and
    JSON-escaped (a chart's or table's data in a page)."""
    return {text, html_text.escape(text), html_text.escape(text, quote=False),
            json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def _holds(path: Path, texts: set[str]) -> bool:
    """Whether the snapshot file at `path` holds one of `texts` (a CSV: any cell, possibly
    formula-neutralised with a leading apostrophe; else the text of the file, searched for each
    in every written form)."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            if any(cell.strip().removeprefix("'") in texts for row in csv.reader(fh) for cell in row):
                return True
    content = path.read_text(encoding="utf-8", errors="replace")
    return any(form in content for text in texts if len(text) >= 4 for form in written_forms(text))


def _forget_in_snapshots(db_path: Path, texts: set[str], before: dt.date) -> None:
    """Delete the files of snapshots holding purged text and mark every snapshot record, then
    rewrite the state store so that no freed page keeps what was there."""
    store = state.path_for(db_path)
    with sqlite3.connect(store, timeout=state.BUSY_TIMEOUT_S, isolation_level=None) as con:
        con.execute("pragma secure_delete = on")
        con.execute("begin immediate")
        for snapshot_id, html_path, files in con.execute(
                "select snapshot_id, html_path, files from snapshots").fetchall():
            html = Path(html_path)
            folder = html.with_name(html.stem + "_files")
            paths = [html] + [folder / name for name in json.loads(files or "[]")]
            if any(_holds(p, texts) for p in paths):
                for p in paths:
                    p.unlink(missing_ok=True)
                shutil.rmtree(folder, ignore_errors=True)
                if html.parent.parent == snapshot_store.folder_for(db_path):
                    with contextlib.suppress(OSError):   # the kept snapshot's folder, now empty
                        html.parent.rmdir()
                note = f"deleted by purge before {before.isoformat()}: it held purged cases"
            else:
                note = f"made from data since purged before {before.isoformat()}; aggregates only"
            con.execute("update snapshots set png_note = trim(coalesce(png_note, '') || ' ' || ?) "
                        "where snapshot_id = ?", [f"[{note}]", snapshot_id])
        con.execute("update state_meta set value = cast(value as integer) + 1 where key = 'version'")
        con.execute("commit")
        con.execute("vacuum")
        con.execute("pragma wal_checkpoint(truncate)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics purge",
                                     description="Remove data older than a date (retention).")
    parser.add_argument("--before", required=True, type=dt.date.fromisoformat, metavar="DATE",
                        help="YYYY-MM-DD: cases created and reviews decided before it are removed")
    parser.add_argument("--db", help="DuckDB file (default: $ESCALATION_RADAR_DB)")
    args = parser.parse_args(argv)
    try:
        removed = purge(args.before, db_path=args.db)
    except db.WriterBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    ingest_id = removed.pop("ingest_id")
    print(", ".join(f"{n:,} {table}" for table, n in removed.items())
          + f" removed (logged as ingest {ingest_id})")
    return 0
