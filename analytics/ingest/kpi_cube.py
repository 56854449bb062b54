"""Keep the KPI marts' weekly and daily tables current inside an ingest of cases.

`kpi_weekly` (exact counts, medians and p90s per week and segment), `kpi_daily` (counts per day),
and the log-bucket histograms of the durations per day, per week and summed over weeks
(`kpi_sketch_daily`, `kpi_sketch_weekly`, `kpi_sketch_running`: they add up, medians do not) let
the KPI marts read a period from a few hundred thousand rows instead of the fact table
(sql/derived/70-74 define them; docs/kpis.md has the error bound).

An incremental ingest has just written the signed changes of the cases it touched into
`fact_changes` (analytics/ingest/aggregates.py); every week those changes fall in is computed
again from the fact table, through the same views the from-scratch build uses, and the running
sums from the earliest touched week on, so the tables always equal a rebuild
(tests/sql/test_kpi_cube.py). Cost: the fact rows of the touched weeks, typically the last few weeks
of an export.
"""
from __future__ import annotations

import duckdb

from analytics import db

DERIVED = {"70_kpi_weekly", "71_kpi_daily", "72_kpi_sketch_daily", "73_kpi_sketch_weekly",
           "74_kpi_sketch_running"}
TABLES = ("kpi_weekly", "kpi_daily", "kpi_sketch_daily", "kpi_sketch_weekly", "kpi_sketch_running")
# in order: the weekly sketch adds up the daily one, the running sums the weekly one
_STEPS = ("kpi_daily_delete", "kpi_daily_insert", "kpi_sketch_daily_delete",
          "kpi_sketch_daily_insert", "kpi_sketch_weekly_delete", "kpi_sketch_weekly_insert",
          "kpi_running_delete", "kpi_running_insert")


def refresh_touched_weeks(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the weeks touched by this ingest (call after the fact table took its changes).
    kpi_weekly is filled a few weeks at a time, as its from-scratch build is (db.CHUNKED_FILLS)."""
    db.run_sql(con, "ingest/kpi_touched_weeks").fetchall()
    db.run_sql(con, "ingest/kpi_weekly_delete").fetchall()
    first_day, last_day = db.run_sql(con, "ingest/kpi_touched_span").fetchall()[0]
    db.fill_in_chunks(con, "ingest/kpi_weekly_fill", first_day, last_day)
    span = dict(first_day=first_day, last_day=last_day)
    for name in _STEPS:
        wanted = db.sql_parameters(f"ingest/{name}")
        db.run_sql(con, f"ingest/{name}", **{k: v for k, v in span.items() if k in wanted}).fetchall()
