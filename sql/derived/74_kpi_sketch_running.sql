-- kpi_sketch_running: kpi_sketch_weekly summed over every week up to and including week_start,
-- so that a run of whole weeks is the difference of two weeks' rows (values_through_week at the
-- last week minus at the week before the first): the KPI marts read ~2 x 75k rows at 10M cases
-- for any period instead of adding up to 3M weekly rows.
-- Grain: one row per week_start x activity x dimension x segment x bucket, for every week from
-- the key's first week with a value to the newest week in kpi_weekly (weeks without a value
-- carry the running count on, so any week can be looked up).
-- This file is the from-scratch build; an ingest recomputes the weeks from its earliest touched
-- week on (sql/ingest/kpi_running_insert.sql). tests/test_kpi_cube.py checks both agree.
-- Parameters: none.
create or replace table kpi_sketch_running as
with

weekly as (select * from kpi_sketch_weekly where week_start is not null),

weeks as (
    select unnest(generate_series(min(week_start), max(week_start), interval 7 day))::date
        as week_start
    from kpi_weekly
    where week_start is not null
),

keys as (
    select activity, dimension, segment, bucket, min(week_start) as first_week
    from weekly
    group by activity, dimension, segment, bucket
),

grid as (
    select keys.activity, keys.dimension, keys.segment, keys.bucket, weeks.week_start
    from keys
    join weeks on weeks.week_start >= keys.first_week
),

running as (
    select
        grid.week_start, grid.activity, grid.dimension, grid.segment, grid.bucket,
        sum(coalesce(weekly.values_in_bucket, 0)) over (
            partition by grid.activity, grid.dimension, grid.segment, grid.bucket
            order by grid.week_start rows between unbounded preceding and current row
        )::bigint as values_through_week
    from grid
    left join weekly using (week_start, activity, dimension, segment, bucket)
),

final as (select * from running order by week_start, activity, dimension, segment, bucket)

select * from final
