-- cube_cases_daily: case counts per market-local day, activity and segment, the pre-aggregate
-- that the count marts (daily_volume, backlog_daily, spike_counts_daily) read instead of cases.
-- Grain: one row per activity x activity_date x market x region x abuse_category x source x
-- language with at least one case (NULL is a value of its own). Priority and vendor are left
-- out on purpose: they would multiply the cells toward one per case (the KPI marts that split by
-- them read fact_case_activity).
-- Measures (all counts, so they add across cells and across ingests): cases; resolved_cases
-- (is_resolved); sla_met / sla_breached (is_sla_met_effective true / false).
-- This file is the from-scratch build; an ingest adds and subtracts the contributions of the
-- cases it touched (sql/ingest/cube_*.sql). tests/test_aggregates.py checks both agree.
-- Parameters: none.
create or replace table cube_cases_daily as
with

activity as (select * from fact_case_activity),

counted as (
    select
        activity, activity_date, market, region, abuse_category, source, language,
        count(*) as cases,
        count(*) filter (where is_resolved) as resolved_cases,
        count(*) filter (where is_sla_met_effective) as sla_met,
        count(*) filter (where not is_sla_met_effective) as sla_breached
    from activity
    group by all
),

final as (select * from counted order by activity_date, market)

select * from final
