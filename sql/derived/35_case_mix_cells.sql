-- case_mix_cells: each case-mix cell's expected values over every vendor's whole history, for
-- vendor_mix_adjusted: a cell is priority x abuse_category x source x market x language of the
-- case (a missing value is a value of its own).
-- verdict_cases, met_cases: the business-time SLA verdicts (case_business_time.
-- is_sla_met_business) of cases with a vendor whose clock stopped, and how many were met;
-- cell_sla_met_rate = met / verdicts (null without a verdict).
-- reviews, handle_time_sum_s: the vendor reviews with a handle time (review_case_mix) and their
-- calendar seconds; cell_handle_time_s = the cell's mean handle time (null without a review).
-- Grain: one row per cell with a verdict or a review. Counts and sums add across ingests: kept
-- apart from the per-case and per-review tables (stored per row, one case's new verdict changed
-- the row of every case of its cell), an ingest of cases adds the signed changes of the cases it
-- touched (sql/ingest/case_mix_cells_merge.sql): its cost is the cells, never the cases.
-- This file is the from-scratch build; tests/sql/test_incremental_derived.py checks that both
-- agree. Parameters: none.
create or replace table case_mix_cells as
with

verdicts as (
    select
        priority, abuse_category, source, market, language,
        1 as verdict_cases,
        case when is_sla_met_business then 1 else 0 end as met_cases,
        0 as reviews,
        0 as handle_time_sum_s
    from case_business_time
    where vendor is not null and is_resolved and is_sla_met_business is not null
),

handled as (
    select
        priority, abuse_category, source, market, language,
        0 as verdict_cases, 0 as met_cases, 1 as reviews, handle_time_s as handle_time_sum_s
    from review_case_mix
),

counts as (select * from verdicts union all select * from handled)

-- include: fragments/case_mix_cells_sum
