-- case_sla_cells plus this ingest's signed verdicts (clock_changes): the counts of
-- sql/derived/21_case_sla_cells.sql, summed, the rate computed as there; cells left without a
-- verdict are dropped, so the result equals a from-scratch build. Cost: the cells (a few
-- thousand rows) plus the touched cases. Parameters: none.
create or replace table case_sla_cells as
with

changes as (
    select
        priority, abuse_category, source, market, language,
        sum(sign) as verdict_cases,
        coalesce(sum(sign) filter (where is_sla_met_business), 0) as met_cases
    from clock_changes
    group by all
),

combined as (
    select priority, abuse_category, source, market, language, verdict_cases, met_cases
    from case_sla_cells
    union all by name
    select * from changes
),

merged as (
    select
        priority, abuse_category, source, market, language,
        sum(verdict_cases)::bigint as verdict_cases,
        sum(met_cases)::bigint as met_cases
    from combined
    group by all
),

final as (
    select *, met_cases::double / verdict_cases as cell_sla_met_rate
    from merged
    where verdict_cases <> 0
    order by market, priority, abuse_category, source, language
)

select * from final
