-- vendor_backlog_as_of: each vendor's open backlog at one moment, by queue and age, with the
-- cases already breached or at risk of breaching, in business time where a calendar applies.
-- Grain: one row per vendor x queue x age_bucket (only buckets with open cases).
-- Open as of $as_of: created_at <= as_of and not closed by then (a case resolved later counts as
-- open), so the backlog of any past date can be rebuilt. Age = as_of - created_at, calendar days.
-- open_breached: due time (case_business_time.sla_due_business_at, built once per write from
-- stg_cases_business_time) before as_of.
-- at_risk: not breached, and due within $at_risk_hours business hours of as_of: the business
-- clock reading of the due time minus that of as_of (calendar hours where no calendar applies).
-- oldest_case_id / oldest_created_at: the longest-open case of the row.
-- Parameters: $as_of (UTC timestamp; null = newest created_at or resolved_at in the data),
-- $at_risk_hours (business hours; null = 4), $markets (null = all).
with

settings as (
    select
        coalesce($as_of::timestamp, greatest(max(created_at), max(resolved_at))) as as_of_at,
        cast(coalesce($at_risk_hours::double, 4) * 3600 as bigint) as horizon_s
    from main.cases  -- raw table: a max needs no SLA resolution
    where $as_of::timestamp is null  -- a given as_of needs no scan (the filter folds to false)
),

-- the cases open at as_of, found in two disjoint reads whose filters DuckDB pushes into the scan
-- when $as_of is given (the pages always give it), so that only the few open rows fetch the wide
-- columns (case_id): unresolved cases, and cases resolved after as_of. open_cases then applies the
-- exact definition. With $as_of null the second read keeps every resolved case, as before.
unresolved as (
    select case_id, vendor, queue, created_at, resolved_at, is_resolved, calendar_market,
           sla_due_business_at, sla_due_clock_s
    from main.case_business_time
    where vendor is not null
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and is_resolved = false
      and ($as_of::timestamp is null or created_at <= $as_of::timestamp)
),

resolved_later as (
    select case_id, vendor, queue, created_at, resolved_at, is_resolved, calendar_market,
           sla_due_business_at, sla_due_clock_s
    from main.case_business_time
    where vendor is not null
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and (is_resolved or is_resolved is null)
      and ($as_of::timestamp is null or resolved_at > $as_of::timestamp)
      and ($as_of::timestamp is null or created_at <= $as_of::timestamp)
),

open_cases as (
    select cases.*, settings.*
    from (select * from unresolved union all select * from resolved_later) as cases
    cross join settings
    where created_at <= as_of_at
      and not (is_resolved and coalesce(resolved_at, created_at) <= as_of_at)
),

-- the business clock reading of as_of in each calendar market (one ASOF lookup per market)
as_of_clock as (
    select
        m.calendar_market,
        i.clock_start_s + least(date_diff('second', i.start_at, m.as_of_at), i.length_s)
            as as_of_clock_s
    from (select distinct calendar_market, as_of_at from open_cases
          where calendar_market is not null) as m
    asof join main.business_intervals as i
      on i.market = m.calendar_market and m.as_of_at >= i.start_at
),

flagged as (
    select
        o.*,
        date_diff('second', o.created_at, o.as_of_at) / 86400.0 as age_days,
        o.sla_due_business_at < o.as_of_at as is_open_breached,
        o.sla_due_business_at >= o.as_of_at
            and o.sla_due_clock_s - coalesce(c.as_of_clock_s, epoch(o.as_of_at)::bigint)
                <= o.horizon_s as is_at_risk
    from open_cases as o
    left join as_of_clock as c using (calendar_market)
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
    from flagged
),

final as (
    select
        vendor,
        coalesce(queue, '(no queue)') as queue,
        ['0-1d', '1-3d', '3-7d', '7-30d', '30d+'][age_bucket_order] as age_bucket,
        age_bucket_order,
        any_value(as_of_at) as as_of_at,
        count(*) as open_cases,
        count(*) filter (where is_open_breached) as open_breached,
        count(*) filter (where is_at_risk) as at_risk,
        arg_min(case_id, created_at) as oldest_case_id,
        min(created_at) as oldest_created_at
    from bucketed
    group by vendor, coalesce(queue, '(no queue)'), age_bucket_order
    order by vendor, 2, age_bucket_order
)

select * from final
