-- kpi_sketch_running from the earliest touched week on: the running count of the week before it
-- (kept) plus the weekly counts since (kpi_sketch_weekly, already refreshed), on the same grid as
-- the from-scratch build (sql/derived/74_kpi_sketch_running.sql), so both give equal rows. Cost:
-- the weekly rows from that week on. Parameters: none.
insert into kpi_sketch_running by name
with

start as (select first_day as first_touched from kpi_touched_weeks),

weekly as (
    select kpi_sketch_weekly.*
    from kpi_sketch_weekly
    cross join start
    where week_start >= start.first_touched
),

carried as (
    select activity, dimension, segment, bucket, values_through_week
    from kpi_sketch_running
    cross join start
    where week_start = start.first_touched - 7
),

weeks as (
    select unnest(generate_series(start.first_touched, max(kpi_weekly.week_start),
                                  interval 7 day))::date as week_start
    from kpi_weekly
    cross join start
    group by start.first_touched
),

keys as (
    select activity, dimension, segment, bucket, min(first_week) as first_week
    from (
        select activity, dimension, segment, bucket, week_start as first_week from weekly
        union all
        select activity, dimension, segment, bucket, start.first_touched from carried, start
    )
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
        (coalesce(carried.values_through_week, 0)
         + sum(coalesce(weekly.values_in_bucket, 0)) over (
             partition by grid.activity, grid.dimension, grid.segment, grid.bucket
             order by grid.week_start rows between unbounded preceding and current row))::bigint
            as values_through_week
    from grid
    left join weekly using (week_start, activity, dimension, segment, bucket)
    left join carried using (activity, dimension, segment, bucket)
)

select * from running
