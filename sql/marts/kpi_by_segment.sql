-- kpi_by_segment: the kpi_summary KPIs split by one dimension at a time.
-- Grain: one row per dimension x segment; dimension is market, abuse_category, source, vendor,
-- language, priority, or 'all' (segment 'all', the whole period). A missing segment value is
-- '(unknown)'. Cohorts as kpi_summary: cases and first response on created_date; resolved cases,
-- SLA, resolution time and appeals on the date the clock stopped. Quantiles are quantile_cont.
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

kpis as (
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
    group by grouping sets ((market), (abuse_category), (source), (vendor), (language), (priority), ())
),

final as (
    select
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
        100.0 * overturned_cases / nullif(decided_appeals, 0) as overturn_rate_pct
    from kpis
    order by dimension, cases desc, segment
)

select * from final
