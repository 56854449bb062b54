-- kpi_daily: the KPI marts' counts per market-local day and segment, from fact_case_activity:
-- the days of the weeks a period cuts (whole weeks come from kpi_weekly).
-- Grain: one row per activity_date x dimension x segment (dimension and segment as
-- kpi_by_segment). Counts only: they add across days.
-- The query is sql/fragments/kpi_daily_cells.sql (no DuckDB-only table macro, so that Spark runs it
-- too), so that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py,
-- sql/ingest/kpi_daily_*.sql); the table keeps the rows, sorted by day. This file is the
-- from-scratch build; tests/test_kpi_cube.py checks that both agree. Parameters: $first_day, $last_day (the whole
-- range on a from-scratch build: analytics/db.build_derived).
create or replace table kpi_daily as
select *
from (
-- include: fragments/kpi_daily_cells
) as cells
order by activity_date, dimension, segment
