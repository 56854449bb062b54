-- kpi_sketch_running: kpi_sketch_weekly summed over every week up to and including week_start,
-- so that a run of whole weeks is the difference of two weeks' rows (values_through_week at the
-- last week minus at the week before the first): the KPI marts read ~2 x 75k rows at 10M cases
-- for any period instead of adding up to 3M weekly rows.
-- Grain: one row per week_start x activity x dimension x segment x bucket, for every week from
-- the key's first week with a value to the newest week in kpi_weekly (weeks without a value
-- carry the running count on, so any week can be looked up).
-- The running sums are taken over the weekly rows that hold a value (a window over the sparse
-- rows), and each is then spread over the weeks until the key's next value by a range join:
-- a window over the dense week grid cost ~10x more (it sorts every grid row by its key).
-- Sorted by week_start only, so a week's rows are read without the others'.
-- This file is the from-scratch build; an ingest recomputes the weeks from its earliest touched
-- week on (sql/ingest/kpi_running_insert.sql). tests/test_kpi_cube.py checks both agree.
-- Parameters: none.
create or replace table kpi_sketch_running as
with

weekly as (select * from kpi_sketch_weekly where week_start is not null),

-- every week from the first to the newest (the grid unnested from the bounds in a query of its
-- own, cast outside it: Spark takes no generator inside an aggregate or a cast)
weeks as (
    select cast(week_start as date) as week_start
    from (
        select unnest(generate_series(first_week, last_week, interval 7 day)) as week_start
        from (
            select min(week_start) as first_week, max(week_start) as last_week
            from kpi_weekly
            where week_start is not null
        ) as bounds
    ) as grid
),

-- one row per week with a value: its running count, and the key's next week with a value
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
    from weekly
),

running as (
    select
        weeks.week_start, valued.activity, valued.dimension, valued.segment, valued.bucket,
        valued.values_through_week
    from valued
    join weeks
      on weeks.week_start >= valued.week_start
     and weeks.week_start < coalesce(valued.next_week, date '9999-12-31')
),

final as (select * from running order by week_start)

select * from final
