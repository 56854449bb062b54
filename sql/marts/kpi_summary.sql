-- kpi_summary: the headline KPIs of one period, exactly one row (zeros and nulls when empty).
-- Grain: one row. Cohorts: cases and first response count cases created in the period; resolved
-- cases, SLA, resolution time and appeals count cases whose clock stopped (closed_date) in the
-- period (stg_cases_activity). open_backlog / open_breached are a stock as of $as_of (null = the
-- newest created_at or resolved_at in the data); the date range does not apply to them.
-- Medians and p90 are quantile_cont (linear interpolation), calendar seconds.
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources, $as_of (UTC timestamp).
with

activity as (
    select *
    from fact_case_activity
    where ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

in_period as (
    select *
    from activity
    where ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
),

as_of as (
    select coalesce($as_of::timestamp, greatest(max(created_at), max(resolved_at))) as as_of_at
    from main.cases  -- raw table: a max needs no SLA resolution
),

open_cases as (
    select activity.*
    from activity
    cross join as_of
    where activity = 'created'
      and created_at <= as_of_at
      and (closed_at is null or closed_at > as_of_at)
),

backlog as (
    select
        count(*) as open_backlog,
        count(*) filter (where sla_due_effective_at < as_of_at) as open_breached
    from open_cases
    cross join as_of
),

kpis as (
    select
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
    from in_period
),

final as (
    select
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
        open_backlog,
        open_breached,
        as_of_at
    from kpis
    cross join backlog
    cross join as_of
)

select * from final
