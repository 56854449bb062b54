-- case_sla_cells: each case-mix cell's SLA attainment over every vendor's whole history, for
-- vendor_mix_adjusted's expected attainment: a cell is priority x abuse_category x source x
-- market x language of the case (a missing value is a value of its own); its verdicts are the
-- business-time verdicts (case_business_time.is_sla_met_business) of cases with a vendor whose
-- clock stopped. Grain: one row per cell with at least one verdict.
-- verdict_cases, met_cases: counts (they add across ingests); cell_sla_met_rate: met / verdicts.
-- This file is the from-scratch build; an ingest of cases adds the signed verdicts of the cases
-- it touched (sql/ingest/sla_cells_merge.sql) and drops cells left without one: its cost is
-- the cells, a few thousand rows, never the cases. tests/sql/test_incremental_derived.py checks
-- that both agree. Parameters: none.
create or replace table case_sla_cells as
with

verdicts as (
    select priority, abuse_category, source, market, language, is_sla_met_business
    from case_business_time
    where vendor is not null and is_resolved and is_sla_met_business is not null
),

counted as (
    select
        priority, abuse_category, source, market, language,
        count(*) as verdict_cases,
        count(*) filter (where is_sla_met_business) as met_cases
    from verdicts
    group by all
),

final as (
    select *, met_cases::double / verdict_cases as cell_sla_met_rate
    from counted
    order by market, priority, abuse_category, source, language
)

select * from final
