-- stg_cases_business_time: stg_cases with SLA clocks and durations in business time wherever the
-- case's market has working hours in data/calendars.toml (its own, else its country's: US-NY
-- uses US), and in calendar time otherwise (is_business_time says which).
-- Grain: one row per case (every column of stg_cases, plus the ones below).
-- SLA precedence as in stg_cases: the exported is_sla_met flag, then the exported sla_due_at used
-- as given, then the policy for source x priority, whose hours now count working hours only
-- (a P1 case created Friday 17:00 with 24 policy hours is due Wednesday 14:00, not Saturday).
-- *_clock_s: business clock readings B(t) from stg_business_intervals (epoch seconds for
-- calendar-time markets), so any business duration is a difference of two readings.
-- first_response_business_s, resolution_business_s: B(end) - B(created_at).
-- sla_due_business_at: the due time the verdict uses; is_sla_met_business: that verdict.
create or replace view stg_cases_business_time as
with

cases as (select * from stg_cases),

intervals as (select * from stg_business_intervals),

calendar_markets as (select distinct market from main.market_working_hours),

market_calendar as (
    select
        seen.market,
        coalesce(own.market, country.market) as calendar_market
    from (select distinct market from cases) as seen
    left join calendar_markets as own on own.market = upper(seen.market)
    left join calendar_markets as country on country.market = split_part(upper(seen.market), '-', 1)
),

-- the ASOF joins run on a narrow table of the clock inputs (joined back by case_id at the end):
-- carrying every case column through five joins costs several times more
stamps as (
    select
        cases.case_id,
        market_calendar.calendar_market,
        cases.created_at,
        cases.first_response_at,
        cases.resolved_at,
        cases.sla_due_at,
        -- policy hours are re-read in business time; exported due times are used as given
        case when cases.sla_due_at is null
             then date_diff('second', cases.created_at, cases.sla_due_effective_at) end
            as policy_resolution_s
    from cases
    left join market_calendar on market_calendar.market is not distinct from cases.market
),

at_created as (
    select k.*,
        i.clock_start_s + least(date_diff('second', i.start_at, k.created_at), i.length_s)
            as business_created_s
    from stamps as k
    asof left join intervals as i
      on i.market = k.calendar_market and k.created_at >= i.start_at
),

at_first_response as (
    select k.*,
        i.clock_start_s + least(date_diff('second', i.start_at, k.first_response_at), i.length_s)
            as business_first_response_s
    from at_created as k
    asof left join intervals as i
      on i.market = k.calendar_market and k.first_response_at >= i.start_at
),

at_resolved as (
    select k.*,
        i.clock_start_s + least(date_diff('second', i.start_at, k.resolved_at), i.length_s)
            as business_resolved_s
    from at_first_response as k
    asof left join intervals as i
      on i.market = k.calendar_market and k.resolved_at >= i.start_at
),

at_exported_due as (
    select k.*,
        i.clock_start_s + least(date_diff('second', i.start_at, k.sla_due_at), i.length_s)
            as business_exported_due_s,
        k.business_created_s + k.policy_resolution_s as business_policy_due_s
    from at_resolved as k
    asof left join intervals as i
      on i.market = k.calendar_market and k.sla_due_at >= i.start_at
),

-- the inverse: the UTC moment the business clock reaches the policy due reading (a due reading
-- that ends a working day is due at its close, not at the next day's opening)
policy_due as (
    select k.*,
        i.start_at + to_seconds(cast(k.business_policy_due_s - i.clock_start_s as bigint))
            as business_policy_due_at
    from at_exported_due as k
    asof left join intervals as i
      on i.market = k.calendar_market and k.business_policy_due_s > i.clock_start_s
),

clocks as (
    select
        cases.*,
        policy_due.* exclude (case_id, created_at, first_response_at, resolved_at, sla_due_at),
        policy_due.business_created_s is not null as is_business_time,
        epoch(cases.created_at)::bigint as epoch_created_s
    from cases
    join policy_due using (case_id)
),

final as (
    select
        * exclude (calendar_market, policy_resolution_s, business_created_s,
                   business_first_response_s, business_resolved_s, business_exported_due_s,
                   business_policy_due_s, business_policy_due_at, epoch_created_s),
        case when is_business_time then calendar_market end as calendar_market,
        case when is_business_time then business_created_s else epoch_created_s end
            as created_clock_s,
        case
            when not is_business_time then sla_due_effective_at
            when sla_due_at is not null then sla_due_at
            else business_policy_due_at
        end as sla_due_business_at,
        case
            when not is_business_time then epoch(sla_due_effective_at)::bigint
            when sla_due_at is not null then business_exported_due_s
            else business_policy_due_s
        end as sla_due_clock_s,
        case
            when not is_business_time then first_response_s
            else business_first_response_s - business_created_s
        end as first_response_business_s,
        case
            when not is_business_time then resolution_s
            else business_resolved_s - business_created_s
        end as resolution_business_s
    from clocks
),

verdict as (
    select
        *,
        case
            when is_sla_met is not null then is_sla_met
            when resolved_at is not null and sla_due_business_at is not null
                then resolved_at <= sla_due_business_at
        end as is_sla_met_business
    from final
)

select * from verdict
