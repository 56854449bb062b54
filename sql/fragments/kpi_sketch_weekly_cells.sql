-- kpi_sketch_weekly_cells: the query of kpi_sketch_weekly's rows for the days $first_day..$last_day
-- (dates, inclusive), shared by the from-scratch build (sql/derived/73_kpi_sketch_weekly.sql, over
-- every day) and an ingest's refresh of the weeks it touched (sql/ingest/), on DuckDB and
-- on Spark (analytics/engines). Parameters: $first_day, $last_day.
select
    date_trunc('week', activity_date)::date as week_start,
    activity, dimension, segment, bucket,
    sum(values_in_bucket)::bigint as values_in_bucket
from kpi_sketch_daily
where activity_date between $first_day::date and $last_day::date
group by week_start, activity, dimension, segment, bucket
