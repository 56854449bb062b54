"""Scorecard query time on a demo database: each vendor mart, the whole report as the page and
CLI build it (cold: no cache), and what a writer pays once per write to rebuild the derived tables
(sql/derived/: the business clock of every case), medians of --repeat runs.

    python -m analytics demo --db /tmp/v300.duckdb      # 300k cases, ~10 s
    python bench/vendor_scorecard.py --db /tmp/v300.duckdb
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import db  # noqa: E402
from analytics.vendors.report import build_report, query_with  # noqa: E402

MARTS = {
    "vendor_period_kpis (week)": ("vendor_period_kpis", dict(period="week", markets=None)),
    "vendor_period_kpis (month)": ("vendor_period_kpis", dict(period="month", markets=None)),
    "vendor_mix_adjusted (week)": ("vendor_mix_adjusted", dict(period="week", markets=None)),
    "vendor_backlog_as_of": ("vendor_backlog_as_of", dict(as_of=None, at_risk_hours=4.0,
                                                          markets=None)),
    "vendor_reviewers": ("vendor_reviewers", dict(vendors=None, start_date=None, end_date=None,
                                                  markets=None)),
}


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/v300.duckdb")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db.refresh_if_stale(Path(args.db))   # a file from older code lacks the derived tables
    with db.reader(Path(args.db)) as con:
        cases, reviews = con.sql("select (select count(*) from cases), "
                                 "(select count(*) from reviews)").fetchall()[0]
        print(f"{args.db}: {cases:,} cases, {reviews:,} reviews; medians of {args.repeat} runs")
        view = "select count(*), avg(resolution_business_s) from stg_cases_business_time"
        print(f"  stg_cases_business_time (every case): "
              f"{timed(lambda: con.sql(view).fetchall(), args.repeat):.3f} s")
        for label, (name, params) in MARTS.items():
            seconds = timed(lambda: db.query_df(con, f"marts/{name}", **params), args.repeat)
            print(f"  {label}: {seconds:.3f} s")
        for period in ("week", "month"):
            seconds = timed(lambda: build_report(query_with(con), period), args.repeat)
            print(f"  whole scorecard report, {period} (4 mart queries + pandas): {seconds:.3f} s")
    print(f"  derived tables rebuilt by each write (db.build_derived): "
          f"{timed_derived(Path(args.db), args.repeat):.3f} s")
    return 0


def timed_derived(path: Path, repeat: int) -> float:
    """db.build_derived on a scratch copy, as a writer runs it at the end of every write."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / path.name
        shutil.copyfile(path, scratch)
        con = duckdb.connect(str(scratch))
        try:
            return timed(lambda: db.build_derived(con), repeat)
        finally:
            con.close()


if __name__ == "__main__":
    sys.exit(main())
