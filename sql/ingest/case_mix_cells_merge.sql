-- case_mix_cells plus this ingest's signed changes: the touched cases' verdicts (clock_changes)
-- and their reviews' handle times (review_mix_changes), -1 as stored before, +1 after, summed
-- with the stored counts through the from-scratch build's tail (sql/fragments/
-- case_mix_cells_sum.sql), so the result equals a rebuild. Cost: the cells (a few thousand
-- rows) plus the touched cases. Parameters: none.
create or replace table case_mix_cells as
with

stored as (
    select
        priority, abuse_category, source, market, language,
        verdict_cases, met_cases, reviews, handle_time_sum_s
    from case_mix_cells
),

verdicts as (
    select
        priority, abuse_category, source, market, language,
        sign as verdict_cases,
        case when is_sla_met_business then sign else 0 end as met_cases,
        0 as reviews,
        0 as handle_time_sum_s
    from clock_changes
),

handled as (
    select
        priority, abuse_category, source, market, language,
        0 as verdict_cases, 0 as met_cases, sign as reviews, sign * handle_time_s as handle_time_sum_s
    from review_mix_changes
),

counts as (
    select * from stored
    union all select * from verdicts
    union all select * from handled
)

-- include: fragments/case_mix_cells_sum
