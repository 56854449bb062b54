-- cube_cases_hourly: cases created per market-local hour (created_at in the market's zone from
-- the markets table; unknown markets in UTC) and segment, for the hourly spike detector.
-- Grain: one row per local_hour x created_date x market x abuse_category x source with at least
-- one case (NULL is a value of its own). Measure: cases.
-- This file is the from-scratch build; an ingest adds and subtracts the contributions of the
-- cases it touched (sql/ingest/cube_*.sql) through the same query (sql/fragments/
-- cube_hourly_cells.sql). tests/sql/test_aggregates.py checks both agree.
-- Parameters: none.
create or replace table cube_cases_hourly as
with

created as (
    select 1 as sign, created_at, created_date, market, abuse_category, source
    from fact_case_activity
    where activity = 'created' and created_at is not null
),

counted as (
-- include: fragments/cube_hourly_cells
),

final as (select * from counted order by local_hour, market)

select * from final
