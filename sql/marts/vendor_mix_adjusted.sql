-- vendor_mix_adjusted: each vendor's handle time and SLA attainment against what its case mix
-- would give at the all-vendor rate (indirect standardisation), per week or month.
-- Grain: one row per period_start x vendor.
-- A cell is priority x abuse_category x source x market x language of the case (source too:
-- regulator and legal requests are stricter and take several times the work; a missing value
-- is a value of its own). A cell's expected value is the mean over every vendor's whole history
-- in the data, computed once per write (sql/derived/): mean handle time, calendar seconds
-- (case_mix_cells.cell_handle_time_s), and SLA attainment of the business-time verdicts of
-- cases whose clock stopped (case_mix_cells.cell_sla_met_rate). A vendor's expected value in
-- a period is the mean of its cases' cell values, so it is what a typical vendor would have
-- scored on exactly those cases.
-- handle_time_vs_expected_pct = 100 * observed mean / expected mean (above 100: slower than the
-- mix explains); sla_attainment_vs_expected_pct = 100 * observed / expected attainment (below
-- 100: more breaches than the mix explains).
-- Periods on decided_date (reviews) and closed_date (cases), as vendor_period_kpis.
-- Parameters: $period ('week' | 'month'), $markets (null = all).
with

reviews as (
    select
        c.vendor,
        cast(date_trunc($period, c.decided_date) as date) as period_start,
        c.handle_time_s,
        cells.cell_handle_time_s
    from main.review_case_mix as c
    join main.case_mix_cells as cells on
-- include: fragments/case_mix_cell_match
    where ($markets::varchar[] is null or list_contains($markets::varchar[], c.market))
),

verdicts as (
    select
        c.vendor,
        cast(date_trunc($period, c.closed_date) as date) as period_start,
        c.is_sla_met_business::int as is_met,
        cells.cell_sla_met_rate
    from main.case_business_time as c
    join main.case_mix_cells as cells on
-- include: fragments/case_mix_cell_match
    where c.vendor is not null and c.is_resolved and c.is_sla_met_business is not null
      and ($markets::varchar[] is null or list_contains($markets::varchar[], c.market))
),

handle_by_vendor as (
    select
        period_start, vendor,
        count(*) as reviews_adjusted,
        avg(handle_time_s) as handle_time_mean_s,
        avg(cell_handle_time_s) as expected_handle_time_mean_s
    from reviews
    group by period_start, vendor
),

sla_by_vendor as (
    select
        period_start, vendor,
        count(*) as cases_adjusted,
        100.0 * avg(is_met) as sla_attainment_pct,
        100.0 * avg(cell_sla_met_rate) as expected_sla_attainment_pct
    from verdicts
    group by period_start, vendor
),

final as (
    select
        period_start,
        vendor,
        coalesce(h.reviews_adjusted, 0) as reviews_adjusted,
        h.handle_time_mean_s,
        h.expected_handle_time_mean_s,
        100.0 * h.handle_time_mean_s / nullif(h.expected_handle_time_mean_s, 0)
            as handle_time_vs_expected_pct,
        coalesce(s.cases_adjusted, 0) as cases_adjusted,
        s.sla_attainment_pct,
        s.expected_sla_attainment_pct,
        100.0 * s.sla_attainment_pct / nullif(s.expected_sla_attainment_pct, 0)
            as sla_attainment_vs_expected_pct
    from handle_by_vendor as h
    full outer join sla_by_vendor as s using (period_start, vendor)
    order by vendor, period_start
)

select * from final
