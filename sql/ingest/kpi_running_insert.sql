-- kpi_sketch_running from the earliest touched week on: the running count of the week before it
-- (kept) plus the weekly counts since (kpi_sketch_weekly, already refreshed), spread over the
-- weeks the way the from-scratch build does (sql/derived/74_kpi_sketch_running.sql: running
-- sums over the rows with a value, then a range join onto the weeks), so both give equal rows.
-- The kept count enters as a row of the week before the first touched one. Cost: the weekly rows
-- from that week on. Parameters: none.
insert into kpi_sketch_running by name
with

start as (select first_day as first_touched from kpi_touched_weeks),

weekly as (
    select kpi_sketch_weekly.week_start, activity, dimension, segment, bucket, values_in_bucket
    from kpi_sketch_weekly
    cross join start
    where week_start >= start.first_touched
),

carried as (
    select
        kpi_sketch_running.week_start, activity, dimension, segment, bucket,
        values_through_week as values_in_bucket
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

valued as (
    select
        week_start, activity, dimension, segment, bucket,
        sum(values_in_bucket) over (
            partition by activity, dimension, segment, bucket
            order by week_start rows between unbounded preceding and current row
        )::bigint as values_through_week,
        lead(week_start) over (
            partition by activity, dimension, segment, bucket order by week_start
        ) as next_week
    from (select * from carried union all select * from weekly)
),

running as (
    select
        weeks.week_start, valued.activity, valued.dimension, valued.segment, valued.bucket,
        valued.values_through_week
    from valued
    join weeks
      on weeks.week_start >= valued.week_start
     and weeks.week_start < coalesce(valued.next_week, date '9999-12-31')
)

select * from running
