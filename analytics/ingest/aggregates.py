"""Keep the derived tables current inside an ingest, at the cost of what the ingest touched.

The fact table (`fact_case_activity`) and the cubes (`cube_cases_daily`, `cube_cases_hourly`)
are what pages and detectors read instead of raw cases (sql/derived/ has their from-scratch
builds and says why). Rebuilding them on every ingest would cost a full pass over every case;
instead an ingest of cases

1. `retract`: before the stored rows change, notes the touched cases' current activity rows
   with sign -1 (`fact_changes`) and deletes them from the fact table;
2. `extend`: after the upsert, inserts the touched cases' new activity rows, appends them to
   `fact_changes` with sign +1, and merges the signed counts into each cube (cells that reach
   0 are dropped).

So a case reclassified or closed by a later export moves out of its old cells. A first load
(empty fact table) or a load that touches most cases builds from scratch instead, which is
cheaper then; tests/sql/test_aggregates.py checks that the incremental path equals a rebuild.
The vendor tables (business clock per case, review case mix) and the market clock are still
rebuilt in full by each ingest.
"""
from __future__ import annotations

import duckdb

from analytics import db
from analytics.ingest import kpi_cube
from analytics.text import search_index

FACT_AND_CUBES = {"40_fact_case_activity", "50_cube_cases_daily", "51_cube_cases_hourly",
                  *kpi_cube.DERIVED}   # the KPI marts' tables: analytics/ingest/kpi_cube.py
VENDOR_TABLES = {"20_case_business_time", "30_review_case_mix"}
CLOCK = "60_market_clock"
REBUILD_SHARE = 0.5   # touching more than this share of the stored cases: rebuild instead


def plan_cases(con: duckdb.DuckDBPyConnection) -> bool:
    """Note the touched cases; True if the fact table and cubes are maintained incrementally
    (then call `retract` before the upsert and `extend` after), False to rebuild them."""
    db.run_sql(con, "ingest/fact_touched_cases").fetchall()
    stored, touched = db.run_sql(con, "ingest/fact_counts").fetchall()[0]
    return stored > 0 and touched <= REBUILD_SHARE * stored


def retract(con: duckdb.DuckDBPyConnection) -> None:
    """Take the touched cases' stored activity rows out of the fact table, remembering them."""
    db.run_sql(con, "ingest/fact_changes_old").fetchall()
    db.run_sql(con, "ingest/fact_delete_touched").fetchall()


def extend(con: duckdb.DuckDBPyConnection) -> None:
    """Put the touched cases' new activity rows in, and merge the signed change into the cubes."""
    for name in ("fact_insert_touched", "fact_changes_new", "cube_daily_merge", "cube_hourly_merge"):
        db.run_sql(con, f"ingest/{name}").fetchall()
    kpi_cube.refresh_touched_weeks(con)


def rebuild_fact_and_cubes(con: duckdb.DuckDBPyConnection) -> None:
    db.build_derived(con, FACT_AND_CUBES)


def rebuild_per_ingest_tables(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """The tables an ingest of `kind` still rebuilds in full: the business clock per case
    (cases only), the review case mix (both) and the market clock (both, a few dozen rows)."""
    vendor = VENDOR_TABLES if kind == "cases" else {"30_review_case_mix"}
    db.build_derived(con, vendor | {CLOCK})
    if kind == "cases":   # the case search's keys (analytics/text/search_index.py)
        search_index.refresh(con)
