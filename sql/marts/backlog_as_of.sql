-- backlog_as_of: the open backlog at one moment, by age.
-- Grain: one row per market x abuse_category x age_bucket (only buckets with open cases).
-- Open as of $as_of: created_at <= as_of and not closed by then (closed_at, stg_cases_activity),
-- so a case resolved after as_of counts as open. Age = as_of - created_at, calendar time.
-- open_breached: SLA due before as_of; at_risk: not yet breached, due within $at_risk_hours.
-- Parameters: $as_of (UTC timestamp; null = newest created_at or resolved_at in the data),
-- $at_risk_hours (null = 24), $markets, $categories, $sources (null = all).
with

cases as (
    select *
    from fact_case_activity
    where activity = 'created'
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

as_of as (
    select
        coalesce($as_of::timestamp, greatest(max(created_at), max(resolved_at))) as as_of_at,
        to_minutes(cast(coalesce($at_risk_hours::double, 24) * 60 as bigint)) as risk_horizon
    from main.cases  -- raw table: a max needs no SLA resolution
),

open_cases as (
    select
        cases.*,
        as_of.*,
        date_diff('second', created_at, as_of_at) / 86400.0 as age_days
    from cases
    cross join as_of
    where created_at <= as_of_at
      and (closed_at is null or closed_at > as_of_at)
),

bucketed as (
    select
        *,
        case
            when age_days < 1 then 1
            when age_days < 3 then 2
            when age_days < 7 then 3
            when age_days < 30 then 4
            else 5
        end as age_bucket_order
    from open_cases
),

final as (
    select
        market,
        abuse_category,
        ['0-1d', '1-3d', '3-7d', '7-30d', '30d+'][age_bucket_order] as age_bucket,
        age_bucket_order,
        count(*) as open_cases,
        count(*) filter (where sla_due_effective_at < as_of_at) as open_breached,
        count(*) filter (where sla_due_effective_at >= as_of_at
                           and sla_due_effective_at < as_of_at + risk_horizon) as at_risk,
        min(created_at) as oldest_created_at
    from bucketed
    group by market, abuse_category, age_bucket_order
    order by market, abuse_category, age_bucket_order
)

select * from final
