-- sla_attainment: SLA met and breached over the cases whose clock stopped in the period, and the
-- open cases breached or at risk as of $as_of.
-- Grain: one row per market x abuse_category x source x vendor x priority.
-- The verdict comes from stg_cases by precedence: exported is_sla_met flag, then exported
-- sla_due_at, then the SLA policy for source x priority (calendar time).
-- sla_attainment_pct = sla_met / (sla_met + sla_breached); the period is on closed_date.
-- open_breached: open at as_of with SLA due before it; at_risk: open, due within $at_risk_hours.
-- The date range does not apply to the open columns (a stock as of $as_of).
-- Parameters (null = all): $start_date, $end_date (market-local closed_date, inclusive),
-- $markets, $categories, $sources, $as_of (UTC timestamp; null = newest created_at or
-- resolved_at), $at_risk_hours (null = 24).
with

as_of as (
    select
        coalesce($as_of::timestamp, greatest(max(created_at), max(resolved_at))) as as_of_at,
        to_minutes(cast(coalesce($at_risk_hours::double, 24) * 60 as bigint)) as risk_horizon
    from main.cases  -- raw table: a max needs no SLA resolution
    where $as_of::timestamp is null  -- a given as_of needs no scan (the filter folds to false)
),

-- one pass over the fact table, only the columns used: a 'resolved' row may count as stopped in
-- the period, a 'created' row as open at as_of (the two cohorts used to be two reads of a
-- materialised copy of every row and column)
activity as (
    select
        market, abuse_category, source, vendor, priority,
        activity = 'resolved'
            and ($start_date::date is null or activity_date >= $start_date::date)
            and ($end_date::date is null or activity_date <= $end_date::date) as is_stopped,
        activity = 'created' and created_at <= as_of_at
            and (closed_at is null or closed_at > as_of_at) as is_open,
        is_sla_met_effective,
        sla_due_effective_at,
        as_of_at,
        risk_horizon
    from fact_case_activity
    cross join as_of
    where ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

flagged as (
    select
        market, abuse_category, source, vendor, priority,
        case when is_stopped then 1 else 0 end as is_stopped,
        case when is_stopped then is_sla_met_effective end as is_sla_met_effective,
        is_open and sla_due_effective_at < as_of_at as is_open_breached,
        is_open and sla_due_effective_at >= as_of_at
            and sla_due_effective_at < as_of_at + risk_horizon as is_at_risk
    from activity
    where is_stopped or is_open
),

grouped as (
    select
        market, abuse_category, source, vendor, priority,
        sum(is_stopped) as resolved_cases,
        count(*) filter (where is_sla_met_effective) as sla_met,
        count(*) filter (where not is_sla_met_effective) as sla_breached,
        count(*) filter (where is_open_breached) as open_breached,
        count(*) filter (where is_at_risk) as at_risk
    from flagged
    group by market, abuse_category, source, vendor, priority
),

final as (
    select
        market, abuse_category, source, vendor, priority,
        resolved_cases,
        sla_met,
        sla_breached,
        100.0 * sla_met / nullif(sla_met + sla_breached, 0) as sla_attainment_pct,
        open_breached,
        at_risk
    from grouped
    where resolved_cases > 0 or open_breached > 0 or at_risk > 0  -- no rows of only zeros
    order by market, abuse_category, source, vendor, priority
)

select * from final
