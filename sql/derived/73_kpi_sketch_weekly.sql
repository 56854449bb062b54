-- kpi_sketch_weekly: kpi_sketch_daily added up per Monday-Sunday week (bucket counts add): the
-- input of the running sums (74_kpi_sketch_running.sql).
-- Grain: one row per week_start x activity x dimension x segment x bucket with a value.
-- The query is sql/fragments/kpi_sketch_weekly_cells.sql (no DuckDB-only table macro, so that Spark runs it
-- too), so that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py); the table
-- keeps the rows. tests/test_kpi_cube.py checks that both agree. Parameters: $first_day, $last_day (the whole
-- range on a from-scratch build: analytics/db.build_derived).
create or replace table kpi_sketch_weekly as
select *
from (
-- include: fragments/kpi_sketch_weekly_cells
) as cells
order by week_start, activity, dimension, segment, bucket
