-- stg_cases: one row per case, with the SLA due time and verdict resolved by precedence
-- (exported is_sla_met flag, then exported sla_due_at, then the SLA policy for source × priority)
-- and durations in seconds. Calendar time; business-time SLA comes with the vendor issue.
create or replace view stg_cases as
with

cases as (select * from main.cases),

-- read from the table, not the cases CTE: with one reference the CTE is inlined, so a caller's
-- filter (an ingest's touched case ids) reaches the scan
segment_keys as (select distinct source, priority from main.cases),

-- the most specific policy per source × priority (source outranks priority), chosen once per
-- distinct pair rather than once per case
policy_match as (
    select
        k.source,
        k.priority,
        p.first_response_hours,
        p.resolution_hours,
        row_number() over (
            partition by k.source, k.priority
            order by (p.source <> '*')::int * 2 + (p.priority <> '*')::int desc
        ) as rank_in_pair
    from segment_keys as k
    join main.sla_policies as p
      on (p.source = k.source or p.source = '*')
     and (p.priority = k.priority or p.priority = '*')
),

policy as (select * from policy_match where rank_in_pair = 1),

resolved_due as (
    select
        c.*,
        m.region as market_region,
        -- n * interval '1' minute, not to_minutes(n): the same on DuckDB and Spark
        coalesce(c.sla_due_at,
                 c.created_at + cast(p.resolution_hours * 60 as bigint) * interval '1' minute)
            as sla_due_effective_at,
        coalesce(c.first_response_due_at,
                 c.created_at + cast(p.first_response_hours * 60 as bigint) * interval '1' minute)
            as first_response_due_effective_at,
        case
            when c.is_sla_met is not null then 'export flag'
            when c.sla_due_at is not null then 'export due time'
            when p.resolution_hours is not null then 'policy'
        end as sla_basis
    from cases as c
    left join policy as p
      on p.source is not distinct from c.source
     and p.priority is not distinct from c.priority
    left join main.markets as m using (market)
),

final as (
    select
        * exclude (market_region, region),
        coalesce(region, market_region) as region,
        status in ('resolved', 'closed') or resolved_at is not null as is_resolved,
        case
            when is_sla_met is not null then is_sla_met
            when resolved_at is not null and sla_due_effective_at is not null
                then resolved_at <= sla_due_effective_at
        end as is_sla_met_effective,
        date_diff('second', created_at, first_response_at) as first_response_s,
        date_diff('second', created_at, resolved_at) as resolution_s
    from resolved_due
)

select * from final
