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
-- Not sorted: sorting 2 rows per case costs more than the whole build at 1M cases; rows come
-- in load order, which follows created_at in most exports, so date filters still skip row groups.
-- Parameters: none.
create or replace table fact_case_activity as
with

activity as (select * exclude (summary) from stg_cases_activity),

final as (select * from activity)

select * from final
