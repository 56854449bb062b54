"""`python -m analytics precompute`: compute the day's detection results, and the heavy marts of
the Vendors page (analytics/results/marts.py), once for every app process
(analytics/results/cache.py says where they are kept and why).

Run it after an ingest (the watcher does; a cron ingest should), so that the first page view
after new data does not pay for scoring every segment. Without it, the first process to need a
result computes and stores it for the others (an upload on the Data page takes that route):

    python -m analytics precompute [--db PATH]

The functions here are also what the app's data seams call, so the app and this job share one
definition of each result and its cache key.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import pandas as pd

from analytics import db, settings
from analytics.results import cache as results_cache
from analytics.results import marts as stored_marts
from analytics.spikes import triage as spike_db
from analytics.trends import detect as trends
from analytics.vendors import report as vendor_report
from analytics.vendors.scorecard import PERIODS
from analytics.vendors.targets import load_targets


def spikes(version: tuple, grain: str = "day") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored segment counts, events) of case volume over the whole database."""
    def compute():
        with db.reader(Path(version[0])) as con:
            return spike_db.detect(con, grain=grain)
    return results_cache.load_or_compute(version, "spikes", (grain,), compute)


def spike_kpis(version: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored series, events) of SLA breach rate and median first response."""
    def compute():
        with db.reader(Path(version[0])) as con:
            return spike_db.detect_kpis(con)
    return results_cache.load_or_compute(version, "spike_kpis", (), compute)


def trends_app(version: tuple, as_of: dt.date) -> dict:
    """The Trends page's data as of the end of `as_of` (trends.app_results): the ranked trends,
    their example cases and the cells of the period comparison."""
    def compute():
        with db.reader(Path(version[0])) as con:
            cases = trends.load_cases(con, as_of)
            since = trends.covered_since(con, as_of)
        return trends.app_results(cases, as_of, covered_since=since)
    return results_cache.load_or_compute(version, "trends", (str(as_of),), compute)


def trends_ranked(version: tuple, as_of: dt.date) -> pd.DataFrame:
    """The ranked emerging trends as of the end of `as_of`."""
    return trends_app(version, as_of)["ranked"]


def warm(db_path: Path) -> dict[str, float]:
    """Compute (or find) every precomputed result for the database as it is now; seconds each."""
    version = db.data_version(db_path)
    timings = {}
    for name, run in (("spikes", lambda: spikes(version, "day")),
                      ("spike_kpis", lambda: spike_kpis(version)),
                      ("trends", lambda: _trends_of_default_day(version)),
                      ("vendors", lambda: vendor_marts(version))):
        started = time.perf_counter()
        run()
        timings[name] = time.perf_counter() - started
    return timings


def _trends_of_default_day(version: tuple) -> pd.DataFrame | None:
    with db.reader(Path(version[0])) as con:
        as_of = trends.default_as_of(con)
    return None if as_of is None else trends_ranked(version, as_of)


def vendor_marts(version: tuple) -> None:
    """Store the marts of the Vendors page's default view (analytics/results/marts.py): the
    weekly and monthly report over all markets, with exactly the parameters the page passes,
    and the drill-down's backlog as of the data's newest event."""
    from analytics.snapshots import (
        parts as snapshot_common,  # here: it imports scipy (~1 s), which the app
    )
                                            # seams that import this module do not need

    with db.reader(Path(version[0])) as con:
        newest_at = snapshot_common.as_of(snapshot_common.freshness(con))
    targets, query = load_targets(), stored_marts.query_for(version)
    for period in PERIODS:
        vendor_report.build_report(query, period, targets=targets, newest_at=newest_at)
    if newest_at is not None:
        vendor_report.backlog_at(query, newest_at, targets, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics precompute",
                                     description="Compute spike and trend results and the "
                                                 "Vendors page's marts once for every app "
                                                 "process.")
    parser.add_argument("--db", help="DuckDB file (default: $ESCALATION_RADAR_DB)")
    args = parser.parse_args(argv)
    path = Path(args.db or settings.db_path())
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 1
    for name, seconds in warm(path).items():
        print(f"{name}: {seconds:.2f} s")
    return 0
