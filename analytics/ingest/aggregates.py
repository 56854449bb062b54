"""Keep the derived tables current inside an ingest, at the cost of what the ingest touched.

The fact table (`fact_case_activity`), the cubes (`cube_cases_daily`, `cube_cases_hourly`), the
business clock per case (`case_business_time`), the review case mix (`review_case_mix`), their
case-mix cells (`case_mix_cells`) and the case search (`case_search`) are
what pages and detectors read instead of raw cases
(sql/derived/ has their from-scratch builds and says why). Rebuilding them on every ingest
would cost a full pass over every case (38.9 s of a 71 s 11k-row update at 10M cases for the
business clock alone); instead an ingest of cases

1. `retract`: before the stored rows change, notes the touched cases' current activity rows
   with sign -1 (`fact_changes`), their SLA verdicts (`clock_changes`) and their reviews' handle
   times (`review_mix_changes`), and deletes their rows from those tables;
2. `extend`: after the upsert, inserts the touched cases' new rows (the same queries as the
   from-scratch builds, sql/fragments/), appends them to the change tables with sign +1, and
   merges the signed counts into the touched cells of each cube and into `case_mix_cells` (cells
   that reach 0 are dropped; the other cube cells are not rewritten),
   and re-inserts the touched cases' search rows.

So a case reclassified, moved or closed by a later export moves out of its old cells. A first
load (empty fact table) or a load that touches most cases builds from scratch instead, which is
cheaper then; tests/sql/test_aggregates.py and tests/sql/test_incremental_derived.py check
that the incremental path equals a rebuild. The market clock (a few dozen rows) is rebuilt by
each ingest, the review tables by each ingest of reviews; the KPI tables recompute the weeks
the ingest touched (kpi_cube.py).
"""
from __future__ import annotations

import duckdb

from analytics import db
from analytics.ingest import kpi_cube
from analytics.text import search_index

FACT_AND_CUBES = {"40_fact_case_activity", "50_cube_cases_daily", "51_cube_cases_hourly",
                  *kpi_cube.DERIVED}   # the KPI marts' tables: analytics/ingest/kpi_cube.py
# maintained with the fact table by an incremental ingest of cases, else rebuilt
CASE_CLOCK = {"20_case_business_time"}
REVIEW_MIX = {"30_review_case_mix", "35_case_mix_cells"}   # also rebuilt by a review ingest
CLOCK = "60_market_clock"
REBUILD_SHARE = 0.5   # touching more than this share of the stored cases: rebuild instead


def plan_cases(con: duckdb.DuckDBPyConnection) -> bool:
    """Note the touched cases; True if the fact table and cubes are maintained incrementally
    (then call `retract` before the upsert and `extend` after), False to rebuild them."""
    db.run_sql(con, "ingest/fact_touched_cases").fetchall()
    stored, touched = db.run_sql(con, "ingest/fact_counts").fetchall()[0]
    return stored > 0 and touched <= REBUILD_SHARE * stored


# the first three in one transaction: the fact rows are read and deleted by row id
_FACT_RETRACT = ("fact_touched_rowids", "fact_changes_old", "fact_delete_touched")
_RETRACT = ("clock_changes_old", "clock_delete_touched", "case_search_delete_touched",
            "review_mix_changes_old", "review_mix_delete_touched")
# in order: the inserts read the staging views over the touched cases' rows alone (the shadows),
# the cubes' changes come from fact_changes, the cells' from clock_changes
_EXTEND = ("touched_cases_shadow", "fact_new_rows", "fact_insert_touched", "clock_insert_touched",
           "review_mix_insert_touched", "touched_facts_shadow", "case_search_insert_touched",
           "touched_facts_unshadow", "touched_cases_unshadow",
           "fact_changes_new",
           "cube_daily_changes", "cube_daily_merged", "cube_daily_delete_touched",
           "cube_daily_insert_touched",
           "cube_hourly_changes", "cube_hourly_merged", "cube_hourly_delete_touched",
           "cube_hourly_insert_touched",
           "clock_changes_new", "review_mix_changes_new", "case_mix_cells_merge")


def retract(con: duckdb.DuckDBPyConnection) -> None:
    """Take the touched cases' stored rows out of the fact table, the business clock and the
    search table, remembering their contributions to the cubes and cells."""
    con.begin()
    try:
        for name in _FACT_RETRACT:
            db.run_sql(con, f"ingest/{name}").fetchall()
        con.commit()
    except BaseException:
        con.rollback()
        raise
    for name in _RETRACT:
        db.run_sql(con, f"ingest/{name}").fetchall()


def extend(con: duckdb.DuckDBPyConnection) -> None:
    """Put the touched cases' new rows in, and merge the signed change into the touched cells
    of the cubes, the case-mix cells and the KPI tables."""
    for name in _EXTEND:
        db.run_sql(con, f"ingest/{name}").fetchall()
    kpi_cube.refresh_touched_weeks(con)


def rebuild_fact_and_cubes(con: duckdb.DuckDBPyConnection) -> None:
    db.build_derived(con, FACT_AND_CUBES)


def maintained(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this writer's connection took the incremental path (`retract` made its temp
    table clock_changes; a writer's connection serves one ingest)."""
    return bool(db.run_sql(con, "ingest/clock_changes_exists").fetchall()[0][0])


def rebuild_per_ingest_tables(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """The tables an ingest of `kind` still rebuilds in full: the market clock (a few dozen rows);
    the review case mix and the case-mix cells, unless `extend` maintained them (an incremental
    ingest of cases); for cases, unless `extend` maintained them, the business clock per case
    and the case search."""
    incremental = kind == "cases" and maintained(con)
    if incremental:
        rebuilt = {CLOCK}
    else:
        rebuilt = {CLOCK, *REVIEW_MIX, *(CASE_CLOCK if kind == "cases" else ())}
    db.build_derived(con, rebuilt)
    if kind == "cases":   # the case search's keys (analytics/text/search_index.py)
        if incremental:
            search_index.index_new_texts(con, "ingest/search_new_texts_touched")
        else:
            search_index.refresh(con)
