-- kpi_by_segment_week: kpi_by_segment per week, for trend lines.
-- Grain: one row per week_start x dimension x segment. week_start is the Monday of the week the
-- activity fell in: the created_date week for cases and first response, the week the clock
-- stopped for resolved cases, SLA, resolution time and appeals. is_complete_week is false for a
-- week that reaches past the last complete day (data_freshness), so a partial week is no dip.
-- Dimensions and segments as kpi_by_segment ('all' is the whole week, for the trend line).
-- The KPIs are computed by sql/fragments/kpi_periods.sql (by week): with no market, category or
-- source filter and a whole week in the period, the whole weeks from kpi_weekly, exact
-- (quantile_cont), the weeks the period cuts from kpi_daily and kpi_sketch_daily (quantiles
-- within 1% of quantile_cont); otherwise from fact_case_activity, exact.
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.
with

grain as (select true as by_week, false as all_only),

last_complete as (select min(current_case_date) - 1 as last_complete_date from market_clock),

-- include: fragments/kpi_periods

select
    week_start, dimension, segment, cases, resolved_cases, sla_met, sla_breached,
    sla_attainment_pct, first_response_median_s, first_response_p90_s, resolution_median_s,
    resolution_p90_s, appealed_cases, overturned_cases, decided_appeals, appeal_rate_pct,
    overturn_rate_pct,
    week_start + 6 <= last_complete_date as is_complete_week
from kpi_rows
cross join last_complete
order by week_start, dimension, segment
