-- kpi_weekly_cells: the query of kpi_weekly's rows for the days $first_day..$last_day
-- (dates, inclusive), shared by the from-scratch build (sql/derived/70_kpi_weekly.sql, over
-- every day) and an ingest's refresh of the weeks it touched (sql/ingest/), on DuckDB and
-- on Spark (analytics/engines). Parameters: $first_day, $last_day.
with

activity as (
    select
        date_trunc('week', activity_date)::date as week_start,
        activity, market, abuse_category, source, vendor, language, priority,
        is_sla_met_effective, first_response_s, resolution_s, is_appealed, appeal_outcome
    from fact_case_activity
    where activity_date between $first_day::date and $last_day::date
),

kpis as (
    select
        week_start,
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
        count(*) filter (where activity = 'created') as cases,
        count(*) filter (where activity = 'resolved') as resolved_cases,
        count(*) filter (where activity = 'resolved' and is_sla_met_effective) as sla_met,
        count(*) filter (where activity = 'resolved' and not is_sla_met_effective) as sla_breached,
        quantile_cont(first_response_s, 0.5) filter (where activity = 'created')
            as first_response_median_s,
        quantile_cont(first_response_s, 0.9) filter (where activity = 'created')
            as first_response_p90_s,
        quantile_cont(resolution_s, 0.5) filter (where activity = 'resolved') as resolution_median_s,
        quantile_cont(resolution_s, 0.9) filter (where activity = 'resolved') as resolution_p90_s,
        count(*) filter (where activity = 'resolved' and is_appealed) as appealed_cases,
        count(is_appealed) filter (where activity = 'resolved') as appeal_known_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome = 'overturned')
            as overturned_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome in ('upheld', 'overturned'))
            as decided_appeals
    from activity
    group by grouping sets (
        (week_start, market), (week_start, abuse_category), (week_start, source),
        (week_start, vendor), (week_start, language), (week_start, priority), (week_start)
    )
),

final as (
    select
        week_start,
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        * exclude (week_start, dimension, segment_value)
    from kpis
)

select * from final
