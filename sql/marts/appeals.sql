-- appeals: appeal rate and overturn rate by segment, over cases resolved in the period.
-- Grain: one row per dimension x segment, as kpi_by_segment (dimension 'all' = whole period).
-- appeal_rate_pct = appealed / resolved cases that carry an appeal flag; overturn_rate_pct = overturned / appeals with a
-- decided outcome (upheld or overturned; pending appeals are left out of the denominator).
-- Parameters (null = all): $start_date, $end_date (market-local closed_date, inclusive),
-- $markets, $categories, $sources.
with

resolved as (
    select *
    from stg_cases_activity
    where activity = 'resolved'
      and ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

counts as (
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
        count(*) as resolved_cases,
        count(*) filter (where is_appealed) as appealed_cases,
        count(is_appealed) as appeal_known_cases,
        count(*) filter (where appeal_outcome in ('upheld', 'overturned')) as decided_appeals,
        count(*) filter (where appeal_outcome = 'overturned') as overturned_cases
    from resolved
    group by grouping sets ((market), (abuse_category), (source), (vendor), (language), (priority), ())
),

final as (
    select
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        resolved_cases,
        appealed_cases,
        decided_appeals,
        overturned_cases,
        -- an export without an appeal flag has no appeal rate, not a rate of 0
        100.0 * appealed_cases / nullif(appeal_known_cases, 0) as appeal_rate_pct,
        100.0 * overturned_cases / nullif(decided_appeals, 0) as overturn_rate_pct
    from counts
    order by dimension, segment
)

select * from final
