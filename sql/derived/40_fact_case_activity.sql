-- fact_case_activity: stg_cases_activity materialised, without the summary text: one row per case
-- and activity ('created' for every case, 'resolved' for cases whose clock stopped), with every
-- stg_cases column (SLA verdict, durations, region) already resolved.
-- Grain: one row per case_id x activity.
-- Why a table: at 10M cases the view's policy joins and union cost seconds per query; the marts
-- that need single cases (quantiles, the open backlog as of a time) scan this instead, and the
-- count marts read the cubes built from it (50_cube_cases_daily, 51_cube_cases_hourly).
-- This file is the from-scratch build (a new database, a changed calendar or SLA policy, a
-- purge). An ingest maintains the table incrementally instead (sql/ingest/fact_*.sql: delete and
-- re-insert the cases it touched); tests/test_aggregates.py checks both give the same rows.
-- Sorted by market, then day: a page's one-market or 90-day read skips the other row groups.
-- Unsorted (load order is scrambled by parallel inserts), a one-market 90-day KPI mart at 10M
-- read all 162 row groups: kpi_by_segment 0.49 s, sorted 0.24 s. The sort costs ~50 s of a 10M
-- build (BENCHMARKS.md "Stop 12"); rows an ingest adds incrementally are appended unsorted.
-- Parameters: none.
create or replace table fact_case_activity as
with

activity as (select * exclude (summary) from stg_cases_activity),

final as (select * from activity order by market, activity_date)

select * from final
