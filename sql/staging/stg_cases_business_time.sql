-- stg_cases_business_time: stg_cases with SLA clocks and durations in business time wherever the
-- case's market has working hours in data/calendars.toml (its own, else its country's: US-NY
-- uses US), and in calendar time otherwise (is_business_time says which).
-- Grain: one row per case (every column of stg_cases, plus the ones below).
-- SLA precedence as in stg_cases: the exported is_sla_met flag, then the exported sla_due_at used
-- as given, then the policy for source x priority, whose hours now count working hours only
-- (a P1 case created Friday 17:00 with 24 policy hours is due Wednesday 14:00, not Saturday).
-- *_clock_s: business clock readings B(t) from stg_business_intervals, read through
-- stg_business_intervals_lookup (epoch seconds for calendar-time markets), so any business
-- duration is a difference of two readings.
-- first_response_business_s, resolution_business_s: B(end) - B(created_at).
-- sla_due_business_at: the due time the verdict uses; is_sla_met_business: that verdict.
create or replace view stg_cases_business_time as
with

-- read once (market_calendar reads the table), so the CTE is inlined and a caller's column
-- choice reaches the scan: case_business_time skips the summary text
cases as (select * from stg_cases),

calendar_markets as (select distinct market from main.market_working_hours),

market_calendar as (
    select
        seen.market,
        coalesce(own.market, country.market) as calendar_market
    from (select distinct market from main.cases) as seen
    left join calendar_markets as own on own.market = upper(seen.market)
    left join calendar_markets as country on country.market = split_part(upper(seen.market), '-', 1)
),

-- the business clock is read by equi-joins on (market, bucket) into stg_business_intervals_lookup
-- (see there: the same answers as ASOF joins on stg_business_intervals, at a fraction of the cost),
-- as stored by the last full derived build (business_intervals_lookup: sql/schema/18)
lookup as materialized (select * from business_intervals_lookup),

time_lookup as (select * exclude (lookup) from lookup where lookup = 'time'),

reading_lookup as (select * exclude (lookup) from lookup where lookup = 'reading'),

grids as (
    select
        market,
        any_value(origin_us) filter (where lookup = 'time') as time_origin_us,
        any_value(width) filter (where lookup = 'time') as time_width,
        any_value(last_k) filter (where lookup = 'time') as time_last_k,
        any_value(width) filter (where lookup = 'reading') as reading_width,
        any_value(last_k) filter (where lookup = 'reading') as reading_last_k
    from lookup
    group by market
),

stamps as (
    select
        cases.*,
        market_calendar.calendar_market,
        -- policy hours are re-read in business time; exported due times are used as given
        case when cases.sla_due_at is null
             then date_diff('second', cases.created_at, cases.sla_due_effective_at) end
            as policy_resolution_s,
        grids.reading_width,
        grids.reading_last_k,
        grids.time_last_k,
        (epoch_us(cases.created_at) - grids.time_origin_us) // grids.time_width as created_k,
        (epoch_us(cases.first_response_at) - grids.time_origin_us) // grids.time_width
            as first_response_k,
        (epoch_us(cases.resolved_at) - grids.time_origin_us) // grids.time_width as resolved_k,
        (epoch_us(cases.sla_due_at) - grids.time_origin_us) // grids.time_width as sla_due_k
    from cases
    left join market_calendar on market_calendar.market is not distinct from cases.market
    left join grids on grids.market = market_calendar.calendar_market
),

-- buckets past the lookup's last read its last one (not least(): it ignores a null time)
keyed as (
    select
        * exclude (time_last_k, created_k, first_response_k, resolved_k, sla_due_k),
        case when created_k > time_last_k then time_last_k else created_k end as created_k,
        case when first_response_k > time_last_k then time_last_k else first_response_k end
            as first_response_k,
        case when resolved_k > time_last_k then time_last_k else resolved_k end as resolved_k,
        case when sla_due_k > time_last_k then time_last_k else sla_due_k end as sla_due_k
    from stamps
),

-- B(t) = clock_start_s + least(t - start_at, length_s) of the last interval starting at or
-- before t: the bucket's own interval (q) once t has reached it, else the one before (p)
readings as (
    select
        k.* exclude (created_k, first_response_k, resolved_k, sla_due_k),
        case when k.created_at >= c.q_start_at
             then c.q_clock_start_s
                  + least(date_diff('second', c.q_start_at, k.created_at), c.q_length_s)
             else c.p_clock_start_s
                  + least(date_diff('second', c.p_start_at, k.created_at), c.p_length_s)
        end as business_created_s,
        case when k.first_response_at >= f.q_start_at
             then f.q_clock_start_s
                  + least(date_diff('second', f.q_start_at, k.first_response_at), f.q_length_s)
             else f.p_clock_start_s
                  + least(date_diff('second', f.p_start_at, k.first_response_at), f.p_length_s)
        end as business_first_response_s,
        case when k.resolved_at >= r.q_start_at
             then r.q_clock_start_s
                  + least(date_diff('second', r.q_start_at, k.resolved_at), r.q_length_s)
             else r.p_clock_start_s
                  + least(date_diff('second', r.p_start_at, k.resolved_at), r.p_length_s)
        end as business_resolved_s,
        case when k.sla_due_at >= d.q_start_at
             then d.q_clock_start_s
                  + least(date_diff('second', d.q_start_at, k.sla_due_at), d.q_length_s)
             else d.p_clock_start_s
                  + least(date_diff('second', d.p_start_at, k.sla_due_at), d.p_length_s)
        end as business_exported_due_s
    from keyed as k
    left join time_lookup as c on c.market = k.calendar_market and c.k = k.created_k
    left join time_lookup as f on f.market = k.calendar_market and f.k = k.first_response_k
    left join time_lookup as r on r.market = k.calendar_market and r.k = k.resolved_k
    left join time_lookup as d on d.market = k.calendar_market and d.k = k.sla_due_k
),

at_policy_due as (
    select
        * exclude (reading_width, reading_last_k),
        business_created_s + policy_resolution_s as business_policy_due_s,
        case
            when (business_created_s + policy_resolution_s - 1) // reading_width > reading_last_k
                then reading_last_k
            else (business_created_s + policy_resolution_s - 1) // reading_width
        end as policy_due_k
    from readings
),

-- the inverse: the UTC moment the business clock reaches the policy due reading v, from the
-- last interval with clock_start_s < v (a due reading that ends a working day is due at its
-- close, not at the next day's opening)
policy_due as (
    select
        k.* exclude (policy_due_k),
        case when k.business_policy_due_s > i.q_clock_start_s
             then i.q_start_at + (k.business_policy_due_s - i.q_clock_start_s) * interval '1' second
             else i.p_start_at + (k.business_policy_due_s - i.p_clock_start_s) * interval '1' second
        end as business_policy_due_at
    from at_policy_due as k
    left join reading_lookup as i on i.market = k.calendar_market and i.k = k.policy_due_k
),

clocks as (
    select
        *,
        business_created_s is not null as is_business_time,
        epoch(created_at)::bigint as epoch_created_s
    from policy_due
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
