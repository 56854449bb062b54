-- cube_cases_daily plus this ingest's signed contributions (fact_changes): the same measures as
-- sql/derived/50_cube_cases_daily.sql, summed; cells whose count reaches 0 are dropped, so the
-- result equals a from-scratch build (tests/test_aggregates.py). Cost: the cube's size plus the
-- touched cases, never the whole case table. Parameters: none.
create or replace table cube_cases_daily as
with

changes as (
    select
        activity, activity_date, market, region, abuse_category, source, language,
        sum(sign) as cases,
        coalesce(sum(sign) filter (where is_resolved), 0) as resolved_cases,
        coalesce(sum(sign) filter (where is_sla_met_effective), 0) as sla_met,
        coalesce(sum(sign) filter (where not is_sla_met_effective), 0) as sla_breached
    from fact_changes
    group by all
),

combined as (
    select * from cube_cases_daily
    union all by name
    select * from changes
),

merged as (
    select
        activity, activity_date, market, region, abuse_category, source, language,
        sum(cases)::bigint as cases,
        sum(resolved_cases)::bigint as resolved_cases,
        sum(sla_met)::bigint as sla_met,
        sum(sla_breached)::bigint as sla_breached
    from combined
    group by all
),

final as (select * from merged where cases <> 0 order by activity_date, market)

select * from final
