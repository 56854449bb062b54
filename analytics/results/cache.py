"""Detection results kept beside the database, so that no app process recomputes them.

Spike scoring and trend detection cost seconds on 300k cases and tens of seconds at 10M, far more
than a page may take. Every app process used to pay that once per data version (a fresh server, a
restarted one, each replica). Instead the first process to need a result, or the
`python -m analytics precompute` job after an ingest, stores it in `.<db name>.results/` beside
the file; every other process reads it back in a fraction of a second.

A result's file name holds a hash of the database version (`db.data_version`: a writer replaces
the file, so a new version never meets an old result), of what was asked (name and parameters)
and of the code that computes it: the bytes of the detector packages and the modules they use
(CODE_FILES) and the text of every SQL file (a detection reads marts, staging views and
fragments: an edited query is code too), so an upgrade is never served an old answer. A caller
may pass a further hash as `code` (a stored mart passes its SQL text's, analytics/results/marts.py).
Files are written to a temporary name and renamed: readers see a whole file or none. Only the few
most recently used per name are kept (a read touches the file). The files are pickles this code
wrote itself, in a folder beside the database it trusts; nothing from users is unpickled.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

from analytics import settings

T = TypeVar("T")
KEEP_PER_NAME = 4
# what a stored result depends on besides the data: the packages that compute it, the modules
# they read the data through, and the SQL they run (relative to the project root)
CODE_FILES = ("analytics/spikes/**/*.py", "analytics/trends/**/*.py", "analytics/text/**/*.py",
              "analytics/results/**/*.py", "analytics/calendars.py", "analytics/coverage.py",
              "analytics/freshness.py", "analytics/db.py", "sql/**/*.sql", "data/calendars.toml")


def code_files(root: Path | None = None) -> list[Path]:
    """The files CODE_FILES names under `root` (the project), in path order."""
    root = root or settings.ROOT
    return sorted({path for pattern in CODE_FILES for path in root.glob(pattern)})


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code behind the stored results: each file's path and bytes."""
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.relative_to(settings.ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def folder_for(db_path: Path) -> Path:
    return Path(db_path).parent / f".{Path(db_path).name}.results"


def result_path(version: tuple, name: str, params: tuple = (), code: str = "") -> Path:
    """Where the result `name(params)` of database `version` lives; `code`, when given, is a
    hash of whatever else the result depends on (e.g. a mart's SQL text)."""
    parts = (tuple(version), name, params, code_version()) + ((code,) if code else ())
    key = hashlib.sha256(repr(parts).encode())
    return folder_for(Path(version[0])) / f"{name}-{key.hexdigest()[:24]}.pkl"


def load_or_compute(version: tuple, name: str, params: tuple, compute: Callable[[], T], *,
                    code: str = "", keep: int = KEEP_PER_NAME) -> T:
    """The stored result if there is one, else `compute()`, stored for the next process (which
    keeps the `keep` most recently used results of `name`)."""
    path = result_path(version, name, params, code)
    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError):
        pass   # missing or cut short: compute it again
    else:
        _touch(path)
        return value
    value = compute()
    _store(path, value, name, keep)
    return value


def _touch(path: Path) -> None:
    """Mark a result as used, so that pruning keeps what is read over what was merely written."""
    try:
        os.utime(path)
    except OSError:
        pass   # a read-only folder prunes nothing either


def _store(path: Path, value, name: str, keep: int = KEEP_PER_NAME) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        with open(scratch, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch, path)
        older = sorted(path.parent.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime)
        for stale in older[:-keep]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass   # a read-only folder: the result is still returned, only not shared
