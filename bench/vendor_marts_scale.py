"""Vendor and SLA marts at scale: each mart's median time for the parameters the Vendors page
sends on a market filter change (week period, one market, the backlog at the ends of the current
and previous week and at the data's newest moment, the reviewers of one vendor over the sidebar's
90 days), at all-time parameters (tests/sql/test_marts.py DEFAULT_PARAMS) and over the pages' default
90-day window (bench/scale_queries.py).

    python bench/vendor_marts_scale.py --db /tmp/scale/n10000000/loaded_10000000.duckdb --repeat 3

--sql-dir DIR times the .sql files in DIR instead of sql/marts/ (a copy of older marts, to
compare before and after under the same load). The database is opened read-only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import db, views  # noqa: E402
from analytics.vendors import report as vendor_report

MARTS = ("vendor_period_kpis", "vendor_mix_adjusted", "vendor_backlog_as_of", "vendor_reviewers",
         "vendor_daily", "sla_attainment")
ALL = dict(start_date=None, end_date=None, markets=None, categories=None, sources=None)
ALL_TIME = {
    "vendor_period_kpis": dict(period="week", markets=None),
    "vendor_mix_adjusted": dict(period="month", markets=None),
    "vendor_backlog_as_of": dict(as_of=None, at_risk_hours=None, markets=None),
    "vendor_reviewers": dict(vendors=None, start_date=None, end_date=None, markets=None),
    "vendor_daily": dict(start_date=None, end_date=None, markets=None, vendors=None),
    "sla_attainment": ALL | dict(as_of=None, at_risk_hours=None),
}


def parameter_sets(con, market: str) -> dict[str, list[tuple[str, dict]]]:
    """{label: [(mart, params), ...]}: the filter change (every call the page makes), all-time,
    and the 90-day window."""
    fresh = db.query_df(con, "marts/data_freshness").iloc[0]
    start, end = views.default_window(fresh["newest_created_date"])
    newest = max(fresh[k] for k in ("newest_created_at", "newest_updated_at", "newest_decided_at")
                 if fresh[k] is not None).to_pydatetime()
    week = start_of_week(end) - dt.timedelta(days=7)     # the latest complete week, about
    vendor = con.sql("select vendor from reviews where vendor is not null "
                     "group by 1 order by count(*) desc limit 1").fetchall()[0][0]
    markets = [market]
    filter_change = [
        ("vendor_period_kpis", dict(period="week", markets=markets)),
        ("vendor_mix_adjusted", dict(period="week", markets=markets)),
        ("vendor_backlog_as_of", dict(as_of=min(newest, vendor_report.period_end_at(week, "week")),
                                      at_risk_hours=4.0, markets=markets)),
        ("vendor_backlog_as_of", dict(as_of=min(newest, vendor_report.period_end_at(
            week - dt.timedelta(days=7), "week")), at_risk_hours=4.0, markets=markets)),
        ("vendor_backlog_as_of", dict(as_of=newest, at_risk_hours=4.0, markets=markets)),
        ("vendor_reviewers", dict(vendors=[vendor], start_date=start, end_date=end,
                                  markets=markets)),
    ]
    window = [(n, p | dict(start_date=start, end_date=end)) for n, p in ALL_TIME.items()
              if "start_date" in p]
    return {"filter change": filter_change, "all-time": list(ALL_TIME.items()),
            "90-day": window}


def start_of_week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def timed(con, text: str, params: dict, repeat: int) -> tuple[float, int]:
    runs, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = con.sql(text, params=params).to_arrow_table().to_pandas().shape[0]
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/scale/n10000000/loaded_10000000.duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--market", default="US")
    parser.add_argument("--sql-dir", type=Path, help="time the marts in DIR instead")
    parser.add_argument("--only", help="comma-separated labels or marts to run")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    with db.reader(Path(args.db)) as con:
        print(f"{args.db}; medians of {args.repeat}; load {os.getloadavg()[0]:.2f} at start")
        for label, calls in parameter_sets(con, args.market).items():
            if only and label not in only and not only & {n for n, _ in calls}:
                continue
            print(f"{label}:")
            for name, params in calls:
                if only and label not in only and name not in only:
                    continue
                text = ((args.sql_dir / f"{name}.sql").read_text() if args.sql_dir
                        else db.sql_text(f"marts/{name}"))
                seconds, rows = timed(con, text, params, args.repeat)
                shown = {k: v for k, v in params.items() if v is not None}
                print(f"  {name:22s} {seconds:7.3f} s  {rows:>8,} rows  {shown}")
        print(f"load {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
