"""The watcher setting a file aside against a large case database, before and after its records
moved to the app-state store (analytics/ingest/watch.py, analytics/state.py; issue #18 point 3).

    python -m analytics demo --cases 300000 --db /tmp/watch_bench/c300k.duckdb
    python bench/watch_set_aside.py --db /tmp/watch_bench/c300k.duckdb [--runs 5]

before  the old path, as `_set_aside` was: `db.writer(path, derived="keep")` (copy the case
        file, insert the record, checkpoint, fsync, rename), on a scratch copy of the database.
after   `watch.handle` on an empty file (read, refused, recorded as failed) against the database
        itself; whether `db.data_version` changed is printed (it must not).
The first `after` run also creates the state store and copies any old records (`state._ready`).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analytics import db, startup
from analytics.ingest import watch

OLD_TABLE = ("create table if not exists watched_files (path varchar, file_sha256 varchar, "
             "status varchar, ingest_id integer, message varchar, processed_at timestamp, "
             "primary key (path, file_sha256))")


def before(db_path: Path, folder: Path, runs: int) -> list[float]:
    scratch = folder / "scratch.duckdb"
    shutil.copy(db_path, scratch)
    seconds = []
    for n in range(runs):
        start = time.perf_counter()
        with db.writer(scratch, derived="keep") as con:
            con.execute(OLD_TABLE)
            con.execute("insert or replace into watched_files values (?, 'x', 'failed', null, "
                        "'the file is empty', now())", [f"bad-{n}.csv"])
        seconds.append(time.perf_counter() - start)
    return seconds


def after(db_path: Path, folder: Path, runs: int) -> list[float]:
    seconds = []
    for n in range(runs):
        bad = folder / f"bad-{time.time_ns()}-{n}.csv"
        bad.write_bytes(b"")
        version = db.data_version(db_path)
        start = time.perf_counter()
        watch.handle(bad, db_path, say=lambda message: None)
        seconds.append(time.perf_counter() - start)
        if db.data_version(db_path) != version:
            raise SystemExit("the case file's data version changed")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    startup.configure()
    print(f"{args.db}: {args.db.stat().st_size / 2**20:,.0f} MB")
    with tempfile.TemporaryDirectory() as folder:
        for name, run in (("before (db.writer)", before), ("after (state store)", after)):
            seconds = run(args.db, Path(folder), args.runs)
            print(f"{name:20s} median {statistics.median(seconds):.3f} s, "
                  f"max {max(seconds):.3f} s, runs {', '.join(f'{s:.3f}' for s in seconds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
