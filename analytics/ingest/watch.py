"""`python -m analytics ingest --watch DIR [--once]`: load exports as they land in a folder.

Each file is ingested once per content, known by its (path, sha256) in the dataset's app-state
store (analytics/state.py, table watched_files), not in the case database: recording a file the
watcher set aside then never copies the case data nor changes the data version caches key on.
The record and the ingest are in two files, so they are ordered: inside the ingest's writer
transaction, just before the case file's commit, the file is recorded as `loading` with its
ingest id; after the commit, as `ok`. A kill before the first leaves no record (loaded on the
next scan); between the two, a `loading` record that the next scan settles against the case
database's `ingests` (that ingest id with this sha256: loaded, recorded ok; else loaded again).
So a restart, or a kill at any point, neither skips a file nor loads it twice. A file that cannot
be read at all, or that meets a bug, is set aside: recorded as failed (with why) and not retried
until its content changes; the files behind it still load. A file still being written (modified
in the last `settle_s` seconds, or named *.part / *.tmp / .hidden) waits for the next scan. Files
are taken oldest first. After a scan that loaded something, the day's spike and trend results
are computed for the app (analytics/results/precompute.py).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from analytics import db, settings, state
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
    """Whether this content of `path` was loaded or set aside before (a `loading` record left
    by a kill is settled here: see the module docstring)."""
    record = state.read(db_path, "watched_file", path=str(path), file_sha256=sha256)
    if record.empty:
        return False
    status, ingest_id = record.iloc[0]["status"], record.iloc[0]["ingest_id"]
    if status != "loading":
        return True
    if not _was_loaded(db_path, int(ingest_id), sha256):
        return False   # the kill came before the case file's commit: load it (again)
    _record(db_path, path, sha256, "ok", int(ingest_id), None)
    return True


def _was_loaded(db_path: Path, ingest_id: int, sha256: str) -> bool:
    if not db_path.exists():
        return False
    with db.reader(db_path) as con:
        return bool(db.run_sql(con, "ingest/watched_file_loaded", ingest_id=ingest_id,
                               file_sha256=sha256).fetchall()[0][0])


def _record(db_path: Path, path: Path, sha256: str, status: str, ingest_id, message) -> None:
    with state.writer(db_path) as con:
        state.run_sql(con, "watched_file_save", path=str(path), file_sha256=sha256,
                      status=status, ingest_id=ingest_id, message=message)


def handle(path: Path, db_path: Path, *, kind=None, mapping=None,
           say: Callable[[str], None] = print) -> IngestReport | None:
    """Ingest one file unless this content was handled before; the report, or None."""
    path = path.resolve()
    sha256 = sha256_of(path)
    if is_seen(db_path, path, sha256):
        return None
    try:
        report = ingest_file(path, kind=kind, mapping=mapping, db_path=db_path,
                             on_stored=lambda con, r: _record(db_path, path, sha256, "loading",
                                                              r.ingest_id, None))
    except IngestBusy as exc:
        say(f"busy, will retry: {exc}")   # not the file's fault: not recorded
        return None
    except IngestError as exc:
        return _set_aside(path, db_path, sha256, str(exc), say)
    except Exception as exc:   # noqa: BLE001 - a bug met by one file must not stop the folder
        return _set_aside(path, db_path, sha256, f"{path.name}: could not be loaded "
                          f"({type(exc).__name__}: {exc}); please report this file", say)
    _record(db_path, path, sha256, "ok", report.ingest_id, None)   # the case file committed
    say(report.summary())
    for message in report.messages:
        say(message)
    return report


def _set_aside(path: Path, db_path: Path, sha256: str, reason: str,
               say: Callable[[str], None]) -> None:
    """Record the file as failed with `reason`: skipped until its content changes."""
    say(f"error: {reason}")
    _record(db_path, path, sha256, "failed", None, reason)


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
