-- kpi_sketch_weekly: kpi_sketch_daily added up per Monday-Sunday week (bucket counts add): the
-- input of the running sums (74_kpi_sketch_running.sql).
-- Grain: one row per week_start x activity x dimension x segment x bucket with a value.
-- Two statements: the table macro kpi_sketch_weekly_cells(first_day, last_day) holds the query, so
-- that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py); the table
-- keeps the rows. tests/test_kpi_cube.py checks that both agree. Parameters: none.
create or replace macro kpi_sketch_weekly_cells(first_day, last_day) as table
select
    date_trunc('week', activity_date)::date as week_start,
    activity, dimension, segment, bucket,
    sum(values_in_bucket)::bigint as values_in_bucket
from kpi_sketch_daily
where activity_date between first_day and last_day
group by week_start, activity, dimension, segment, bucket;

create or replace table kpi_sketch_weekly as
select * from kpi_sketch_weekly_cells(date '1900-01-01', date '9999-12-31')
order by week_start, activity, dimension, segment, bucket
