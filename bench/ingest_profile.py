"""Where an ingest's time goes: wall and CPU seconds of every SQL file it runs (analytics.db.run_sql)
and of every derived table it builds (sql/derived/, chunked fills included), for one file loaded
into a database, beside DuckDB's own `read_csv` / `read_parquet` of the same file into a plain
table in the same run. This is the profile behind the ingest gap in BENCHMARKS.md ("Scale").

    python bench/ingest_profile.py /tmp/scale/data/cases_1000000.csv --db /tmp/profile.duckdb

The database is replaced (an empty-database load) unless --keep is given (an update export into
a loaded database). Stages under 0.05 s are summed into "other".
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import db  # noqa: E402
from analytics.ingest import ingest_file  # noqa: E402


class Stages:
    """Wall and CPU seconds per stage, wrapped around db.run_sql and db.build_derived."""

    def __init__(self):
        self.wall, self.cpu = defaultdict(float), defaultdict(float)

    def timed(self, key: str, fn, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self.wall[key] += time.perf_counter() - wall
            self.cpu[key] += time.process_time() - cpu

    def install(self) -> None:
        run_sql, build_derived = db.run_sql, db.build_derived

        def timed_run_sql(con, name, **params):
            return self.timed(f"sql {name}", run_sql, con, name, **params)

        def timed_build_derived(con, names=None):
            for path in db.derived_files():
                if names is None or path.stem in names:
                    db.run_sql = run_sql   # a chunked fill counts toward its table, not twice
                    try:
                        self.timed(f"derived {path.stem}", build_derived, con, {path.stem})
                    finally:
                        db.run_sql = timed_run_sql

        db.run_sql, db.build_derived = timed_run_sql, timed_build_derived


def plain_load(source: Path, target: Path) -> tuple[float, float]:
    """DuckDB's own load of the file into a plain table: (wall, CPU) seconds."""
    import duckdb
    target.unlink(missing_ok=True)
    reader = "read_parquet" if source.suffix == ".parquet" else "read_csv"
    wall, cpu = time.perf_counter(), time.process_time()
    with duckdb.connect(str(target)) as con:
        con.sql(f"create table t as select * from {reader}(?)", params=[str(source)])
    seconds = time.perf_counter() - wall, time.process_time() - cpu
    target.unlink(missing_ok=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--kind", default="cases")
    parser.add_argument("--keep", action="store_true", help="load into the database as it is")
    args = parser.parse_args(argv)
    load = open("/proc/loadavg").read().split()[:3]
    plain = plain_load(args.file, args.db.with_name(args.db.stem + "_plain.duckdb"))
    if not args.keep:
        for path in (args.db, Path(f"{args.db}.wal")):
            path.unlink(missing_ok=True)
    stages = Stages()
    stages.install()
    wall, cpu = time.perf_counter(), time.process_time()
    report = ingest_file(args.file, kind=args.kind, db_path=args.db)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{args.file.name}: {report.counts()} — load average {' '.join(load)}")
    print(f"ours {wall:.1f} s wall / {cpu:.1f} s CPU; DuckDB alone {plain[0]:.1f} s / {plain[1]:.1f} s; "
          f"ratio {wall / plain[0]:.1f}x wall, {cpu / plain[1]:.1f}x CPU\n")
    print("| stage | wall s | CPU s | share of wall |\n| --- | ---: | ---: | ---: |")
    shown_wall = shown_cpu = 0.0
    for key, seconds in sorted(stages.wall.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05:
            shown_wall, shown_cpu = shown_wall + seconds, shown_cpu + stages.cpu[key]
            print(f"| {key} | {seconds:.2f} | {stages.cpu[key]:.2f} | {seconds / wall:.0%} |")
    print(f"| other (Python, file copy, small steps) | {wall - shown_wall:.2f} | {cpu - shown_cpu:.2f} "
          f"| {(wall - shown_wall) / wall:.0%} |")
    print(f"| **total** | {wall:.2f} | {cpu:.2f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
