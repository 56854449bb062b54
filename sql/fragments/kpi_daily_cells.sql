-- kpi_daily_cells: the query of kpi_daily's rows for the days $first_day..$last_day
-- (dates, inclusive), shared by the from-scratch build (sql/derived/71_kpi_daily.sql, over
-- every day) and an ingest's refresh of the weeks it touched (sql/ingest/), on DuckDB and
-- on Spark (analytics/engines). Parameters: $first_day, $last_day.
with

activity as (
    select
        activity_date,
        activity, market, abuse_category, source, vendor, language, priority,
        is_sla_met_effective, is_appealed, appeal_outcome
    from fact_case_activity
    where activity_date between $first_day::date and $last_day::date
),

kpis as (
    select
        activity_date,
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
        count(*) filter (where activity = 'resolved' and is_appealed) as appealed_cases,
        count(is_appealed) filter (where activity = 'resolved') as appeal_known_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome = 'overturned')
            as overturned_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome in ('upheld', 'overturned'))
            as decided_appeals
    from activity
    group by grouping sets (
        (activity_date, market), (activity_date, abuse_category), (activity_date, source),
        (activity_date, vendor), (activity_date, language), (activity_date, priority),
        (activity_date)
    )
),

final as (
    select
        activity_date,
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        * exclude (activity_date, dimension, segment_value)
    from kpis
)

select * from final
