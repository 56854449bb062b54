-- kpi_sketch_daily_cells: the query of kpi_sketch_daily's rows for the days $first_day..$last_day
-- (dates, inclusive), shared by the from-scratch build (sql/derived/72_kpi_sketch_daily.sql, over
-- every day) and an ingest's refresh of the weeks it touched (sql/ingest/), on DuckDB and
-- on Spark (analytics/engines). Parameters: $first_day, $last_day.
with

timed as (
    select
        activity_date, activity, market, abuse_category, source, vendor, language, priority,
        case when activity = 'created' then first_response_s else resolution_s end as duration_s
    from fact_case_activity
    where activity_date between $first_day::date and $last_day::date
),

bucketed as (
    select
        * exclude (duration_s),
        case when duration_s >= 1 then floor(ln(duration_s) / ln(1.02)) else -1 end::smallint
            as bucket
    from timed
    where duration_s is not null
),

counted as (
    select
        activity_date, activity,
        case
            when grouping(market) = 0 then 'market'
            when grouping(abuse_category) = 0 then 'abuse_category'
            when grouping(source) = 0 then 'source'
            when grouping(vendor) = 0 then 'vendor'
            when grouping(language) = 0 then 'language'
            when grouping(priority) = 0 then 'priority'
            else 'all'
        end as dimension,
        coalesce(market, abuse_category, source, vendor, language, priority) as segment_value,
        bucket,
        count(*) as values_in_bucket
    from bucketed
    group by grouping sets (
        (activity_date, activity, bucket, market),
        (activity_date, activity, bucket, abuse_category),
        (activity_date, activity, bucket, source),
        (activity_date, activity, bucket, vendor),
        (activity_date, activity, bucket, language),
        (activity_date, activity, bucket, priority),
        (activity_date, activity, bucket)
    )
),

final as (
    select
        activity_date,
        activity,
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        bucket,
        values_in_bucket
    from counted
)

select * from final
