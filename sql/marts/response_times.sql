-- response_times: first-response and resolution time, median and p90, by segment.
-- Grain: one row per dimension x segment, as kpi_by_segment (dimension 'all' = whole period).
-- First response counts cases created in the period that have a response; resolution counts
-- cases resolved (clock stopped) in the period. Calendar seconds; quantile_cont (linear
-- interpolation between order statistics).
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.
with

activity as (
    select *
    from stg_cases_activity
    where ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

times as (
    select
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
        count(first_response_s) filter (where activity = 'created') as responded_cases,
        quantile_cont(first_response_s, 0.5) filter (where activity = 'created')
            as first_response_median_s,
        quantile_cont(first_response_s, 0.9) filter (where activity = 'created')
            as first_response_p90_s,
        count(*) filter (where activity = 'resolved') as resolved_cases,
        quantile_cont(resolution_s, 0.5) filter (where activity = 'resolved') as resolution_median_s,
        quantile_cont(resolution_s, 0.9) filter (where activity = 'resolved') as resolution_p90_s
    from activity
    group by grouping sets ((market), (abuse_category), (source), (vendor), (language), (priority), ())
),

final as (
    select
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        * exclude (dimension, segment_value)
    from times
    order by dimension, segment
)

select * from final
