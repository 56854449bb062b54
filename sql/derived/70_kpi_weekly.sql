-- kpi_weekly: the KPI marts' measures per Monday-Sunday week and segment, exact: every count
-- of kpi_by_segment and the week's medians and p90s (quantile_cont), from fact_case_activity.
-- The marts read a period's whole weeks here (a few rows per week and segment) instead of the
-- fact table (two rows per case): kpi_by_segment_week as is, kpi_by_segment its counts.
-- Grain: one row per week_start x dimension x segment. week_start is the Monday of the week the
-- activity fell in (created week for cases and first response, the week the clock stopped for
-- the rest); dimension and segment as kpi_by_segment ('all' / 'all' is the whole week, a missing
-- value is '(unknown)').
-- The query is sql/fragments/kpi_weekly_cells.sql (no DuckDB-only table macro, so that Spark runs it
-- too), so that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py,
-- sql/ingest/kpi_weekly_*.sql); the table keeps the rows. This file is the from-scratch build,
-- tests/test_kpi_cube.py checks that both agree. Parameters: $first_day, $last_day (the whole
-- range on a from-scratch build: analytics/db.build_derived).
-- Created empty here and filled a few weeks at a time (analytics/db.py CHUNKED_FILLS,
-- sql/ingest/kpi_weekly_fill.sql): quantile_cont keeps every value of a group in memory and
-- cannot spill, so one pass over all weeks ran out of the ingest's 2 GB cap at 10M cases.
create or replace table kpi_weekly as
select *
from (
-- include: fragments/kpi_weekly_cells
) as cells
limit 0
