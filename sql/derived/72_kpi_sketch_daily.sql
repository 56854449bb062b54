-- kpi_sketch_daily: first-response and resolution times per market-local day and segment as a
-- log-bucket histogram (a mergeable quantile sketch, DDSketch-style), from fact_case_activity.
-- Medians and p90s cannot be summed across days and weeks; bucket counts can: kpi_by_segment and
-- kpi_summary add the days and weeks of a period and walk the cumulative counts (docs/kpis.md).
-- Bucket b >= 0 holds the values in [1.02^b, 1.02^(b+1)) seconds and is read back as
-- 2 * 1.02^(b+1) / 2.02, within 1/101 (< 1%) of every value in it; bucket -1 holds values below
-- 1 s, read back as 0. Cohorts: 'created' rows carry first_response_s, 'resolved' rows
-- resolution_s; null values are left out, as quantile_cont leaves them out.
-- Grain: one row per activity_date x activity x dimension x segment x bucket with a value.
-- The query is sql/fragments/kpi_sketch_daily_cells.sql (no DuckDB-only table macro, so that Spark runs it
-- too), so that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py,
-- sql/ingest/kpi_sketch_daily_*.sql); the table keeps the rows, sorted by day, so that a few
-- days are read without the rest. tests/test_kpi_cube.py checks that both agree, and the bound.
-- Parameters: $first_day, $last_day (the whole
-- range on a from-scratch build: analytics/db.build_derived).
create or replace table kpi_sketch_daily as
select *
from (
-- include: fragments/kpi_sketch_daily_cells
) as cells
order by activity_date, activity, dimension, segment, bucket
