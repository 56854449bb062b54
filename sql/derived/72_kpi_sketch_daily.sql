-- kpi_sketch_daily: first-response and resolution times per market-local day and segment as a
-- log-bucket histogram (a mergeable quantile sketch, DDSketch-style), from fact_case_activity.
-- Medians and p90s cannot be summed across days and weeks; bucket counts can: kpi_by_segment and
-- kpi_summary add the days and weeks of a period and walk the cumulative counts (docs/kpis.md).
-- Bucket b >= 0 holds the values in [1.02^b, 1.02^(b+1)) seconds and is read back as
-- 2 * 1.02^(b+1) / 2.02, within 1/101 (< 1%) of every value in it; bucket -1 holds values below
-- 1 s, read back as 0. Cohorts: 'created' rows carry first_response_s, 'resolved' rows
-- resolution_s; null values are left out, as quantile_cont leaves them out.
-- Grain: one row per activity_date x activity x dimension x segment x bucket with a value.
-- Two statements: the table macro kpi_sketch_daily_cells(first_day, last_day) holds the query, so
-- that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py,
-- sql/ingest/kpi_sketch_daily_*.sql); the table keeps the rows, sorted by day, so that a few
-- days are read without the rest. tests/test_kpi_cube.py checks that both agree, and the bound.
-- Parameters: none.
create or replace macro kpi_sketch_daily_cells(first_day, last_day) as table
with

timed as (
    select
        activity_date, activity, market, abuse_category, source, vendor, language, priority,
        case when activity = 'created' then first_response_s else resolution_s end as duration_s
    from fact_case_activity
    where activity_date between first_day and last_day
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

select * from final;

create or replace table kpi_sketch_daily as
select * from kpi_sketch_daily_cells(date '1900-01-01', date '9999-12-31')
order by activity_date, activity, dimension, segment, bucket
