"""`python -m analytics ingest --watch DIR [--once]`: load exports as they land in a folder.

Each file is ingested once per content: its (path, sha256) goes into `watched_files` in the same
writer transaction as its ingest, so a restart, or a crash at any point, neither skips a file nor
loads it twice. A file that cannot be read at all, or that meets a bug, is recorded as failed
(with why) and not retried until its content changes: the files behind it still load. A file
still being written (modified in the last `settle_s` seconds, or named *.part / *.tmp / .hidden)
waits for the next scan. Files are taken oldest first. After a scan that loaded something, the
day's spike and trend results are computed for the app (analytics/results/precompute.py).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import duckdb

from analytics import db, settings
from analytics.ingest.pipeline import ingest_file, sha256_of
from analytics.ingest.report import IngestBusy, IngestError, IngestReport
from analytics.results import precompute

PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".lock")


def ready_files(directory: Path, *, settle_s: float) -> list[Path]:
    """Files in `directory` that look complete, oldest first."""
    now = time.time()
    found = [p for p in directory.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
             and not p.name.lower().endswith(PARTIAL_SUFFIXES)
             and now - p.stat().st_mtime >= settle_s]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def is_seen(db_path: Path, path: Path, sha256: str) -> bool:
    if not db_path.exists():
        return False
    with db.reader(db_path) as con:
        try:
            return bool(db.run_sql(con, "ingest/watched_file_seen", path=str(path),
                                   file_sha256=sha256).fetchall()[0][0])
        except duckdb.CatalogException:   # a database written before watched_files existed
            return False


def _record(con, path: Path, sha256: str, status: str, ingest_id, message) -> None:
    db.run_sql(con, "ingest/watched_file_insert", path=str(path), file_sha256=sha256,
               status=status, ingest_id=ingest_id, message=message).fetchall()


def handle(path: Path, db_path: Path, *, kind=None, mapping=None,
           say: Callable[[str], None] = print) -> IngestReport | None:
    """Ingest one file unless this content was handled before; the report, or None."""
    path = path.resolve()
    sha256 = sha256_of(path)
    if is_seen(db_path, path, sha256):
        return None
    try:
        report = ingest_file(path, kind=kind, mapping=mapping, db_path=db_path,
                             on_stored=lambda con, r: _record(con, path, sha256, "ok",
                                                              r.ingest_id, None))
    except IngestBusy as exc:
        say(f"busy, will retry: {exc}")   # not the file's fault: not recorded
        return None
    except IngestError as exc:
        return _set_aside(path, db_path, sha256, str(exc), say)
    except Exception as exc:   # noqa: BLE001 - a bug met by one file must not stop the folder
        return _set_aside(path, db_path, sha256, f"{path.name}: could not be loaded "
                          f"({type(exc).__name__}: {exc}); please report this file", say)
    say(report.summary())
    for message in report.messages:
        say(message)
    return report


def _set_aside(path: Path, db_path: Path, sha256: str, reason: str,
               say: Callable[[str], None]) -> None:
    """Record the file as failed with `reason`: skipped until its content changes."""
    say(f"error: {reason}")
    with db.writer(db_path, derived="keep") as con:   # no data changed
        _record(con, path, sha256, "failed", None, reason)


def _precompute(db_path: Path, say: Callable[[str], None]) -> None:
    """Spike and trend results for the new data; a failure here is reported, never fatal to
    the watcher (the app computes them itself when it has to)."""
    try:
        timings = precompute.warm(db_path)
    except Exception as exc:   # noqa: BLE001 - an unattended loop must keep loading files
        say(f"precompute failed ({type(exc).__name__}: {exc}); pages will compute it")
        return
    say("precomputed " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


def watch(directory, *, db_path=None, kind=None, mapping=None, once: bool = False,
          interval_s: float = 10.0, settle_s: float = 2.0,
          say: Callable[[str], None] = print) -> int:
    """Scan `directory` every `interval_s` (once with `once`); the number of files ingested."""
    directory, db_path = Path(directory), Path(db_path or settings.db_path())
    if not directory.is_dir():
        raise IngestError(f"{directory}: not a folder")
    loaded = 0
    while True:
        before = loaded
        for path in ready_files(directory, settle_s=settle_s):
            loaded += handle(path, db_path, kind=kind, mapping=mapping, say=say) is not None
        if loaded > before:   # new data: score it now, not when someone next opens a page
            _precompute(db_path, say)
        if once:
            return loaded
        time.sleep(interval_s)
