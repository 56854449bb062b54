-- kpi_by_segment_week: kpi_by_segment per week, for trend lines.
-- Grain: one row per week_start x dimension x segment. week_start is the Monday of the week the
-- activity fell in: the created_date week for cases and first response, the week the clock
-- stopped for resolved cases, SLA, resolution time and appeals. is_complete_week is false for a
-- week that reaches past the last complete day (data_freshness), so a partial week is no dip.
-- Dimensions and segments as kpi_by_segment ('all' is the whole week, for the trend line).
-- Quantiles are quantile_cont.
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.
with

activity as (
    select *
    from fact_case_activity
    where ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

last_complete as (select min(current_case_date) - 1 as last_complete_date from market_clock),

kpis as (
    select
        date_trunc('week', activity_date)::date as week_start,
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
        cases,
        resolved_cases,
        sla_met,
        sla_breached,
        100.0 * sla_met / nullif(sla_met + sla_breached, 0) as sla_attainment_pct,
        first_response_median_s,
        first_response_p90_s,
        resolution_median_s,
        resolution_p90_s,
        appealed_cases,
        overturned_cases,
        decided_appeals,
        -- an export without an appeal flag has no appeal rate, not a rate of 0
        100.0 * appealed_cases / nullif(appeal_known_cases, 0) as appeal_rate_pct,
        100.0 * overturned_cases / nullif(decided_appeals, 0) as overturn_rate_pct,
        week_start + 6 <= last_complete_date as is_complete_week
    from kpis
    cross join last_complete
    order by week_start, dimension, segment
)

select * from final
