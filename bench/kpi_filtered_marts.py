"""The three KPI marts with one market set and with none, on a loaded database: the seconds one
filter change costs a page (issue 7: <= 0.5 s per change). Prints the median wall and CPU seconds of
--repeats runs per mart and filter, with the load average; --baseline REV also times the marts'
text at a git revision (read with `git show`, nothing checked out), runs interleaved with the
working tree's so that the shared machine's load hits both alike.

    python bench/kpi_filtered_marts.py /tmp/scale/n10000000/loaded_10000000.duckdb
    python bench/kpi_filtered_marts.py /tmp/scale/n1000000/loaded_1000000.duckdb --baseline HEAD

The database is opened read-only. The period is the pages' default: the last 90 days of data.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from analytics import db  # noqa: E402

MARTS = ("kpi_summary", "kpi_by_segment", "kpi_by_segment_week")


def mart_text(name: str, revision: str | None) -> str:
    if revision is None:
        return db.sql_text(f"marts/{name}")
    return subprocess.run(["git", "show", f"{revision}:sql/marts/{name}.sql"], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout


def timed(con, text: str, params: dict) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) of one run to the last row."""
    wall, cpu = time.perf_counter(), time.process_time()
    con.execute(text, params).fetchall()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--market", default="US")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", help="also time the marts at this git revision")
    args = parser.parse_args()
    con = duckdb.connect(args.database, read_only=True)
    end = con.execute("select max(activity_date) from fact_case_activity").fetchall()[0][0]
    period = dict(start_date=end - dt.timedelta(days=89), end_date=end, categories=None,
                  sources=None)
    threads = con.execute("select current_setting('threads')").fetchall()[0][0]
    print(f"period {period['start_date']}..{end}, threads {threads}")
    revisions = ([args.baseline] if args.baseline else []) + [None]
    for name in MARTS:
        texts = {revision: mart_text(name, revision) for revision in revisions}
        extra = {"as_of": None} if name == "kpi_summary" else {}
        for markets in (None, [args.market]):
            params = period | extra | {"markets": markets}
            runs = {revision: [] for revision in revisions}
            for _ in range(args.repeats):   # interleaved, so a change in load hits both alike
                for revision in revisions:
                    runs[revision].append(timed(con, texts[revision], params))
            for revision in revisions:
                wall = statistics.median(w for w, _ in runs[revision])
                cpu = statistics.median(c for _, c in runs[revision])
                print(f"{name:<20} {str(markets):>8} {revision or 'working tree':>12} "
                      f"{wall:6.3f} s (CPU {cpu:6.3f} s)  load {os.getloadavg()[0]:.1f}",
                      flush=True)


if __name__ == "__main__":
    main()
