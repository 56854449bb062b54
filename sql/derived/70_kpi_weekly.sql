-- kpi_weekly: the KPI marts' measures per Monday-Sunday week and segment, exact: every count
-- of kpi_by_segment and the week's medians and p90s (quantile_cont), from fact_case_activity.
-- The marts read a period's whole weeks here (a few rows per week and segment) instead of the
-- fact table (two rows per case): kpi_by_segment_week as is, kpi_by_segment its counts.
-- Grain: one row per week_start x dimension x segment. week_start is the Monday of the week the
-- activity fell in (created week for cases and first response, the week the clock stopped for
-- the rest); dimension and segment as kpi_by_segment ('all' / 'all' is the whole week, a missing
-- value is '(unknown)').
-- Two statements: the table macro kpi_weekly_cells(first_day, last_day) holds the query, so
-- that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py,
-- sql/ingest/kpi_weekly_*.sql); the table keeps the rows. This file is the from-scratch build,
-- tests/test_kpi_cube.py checks that both agree. Parameters: none.
create or replace macro kpi_weekly_cells(first_day, last_day) as table
with

activity as (
    select
        date_trunc('week', activity_date)::date as week_start,
        activity, market, abuse_category, source, vendor, language, priority,
        is_sla_met_effective, first_response_s, resolution_s, is_appealed, appeal_outcome
    from fact_case_activity
    where activity_date between first_day and last_day
),

kpis as (
    select
        week_start,
        case
            when grouping(market) = 0 then 'market'
            when grouping(abuse_category) = 0 then 'abuse_category'
            when grouping(source) = 0 then 'source'
            when grouping(vendor) = 0 then 'vendor'
            when grouping(language) = 0 then 'language'
            when grouping(priority) = 0 then 'priority'
            else 'all'
        end as dimension,
        coalesce(market, abuse_category, source, vendor, language, priority) as segment_value,
        count(*) filter (where activity = 'created') as cases,
        count(*) filter (where activity = 'resolved') as resolved_cases,
        count(*) filter (where activity = 'resolved' and is_sla_met_effective) as sla_met,
        count(*) filter (where activity = 'resolved' and not is_sla_met_effective) as sla_breached,
        quantile_cont(first_response_s, 0.5) filter (where activity = 'created')
            as first_response_median_s,
        quantile_cont(first_response_s, 0.9) filter (where activity = 'created')
            as first_response_p90_s,
        quantile_cont(resolution_s, 0.5) filter (where activity = 'resolved') as resolution_median_s,
        quantile_cont(resolution_s, 0.9) filter (where activity = 'resolved') as resolution_p90_s,
        count(*) filter (where activity = 'resolved' and is_appealed) as appealed_cases,
        count(is_appealed) filter (where activity = 'resolved') as appeal_known_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome = 'overturned')
            as overturned_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome in ('upheld', 'overturned'))
            as decided_appeals
    from activity
    group by grouping sets (
        (week_start, market), (week_start, abuse_category), (week_start, source),
        (week_start, vendor), (week_start, language), (week_start, priority), (week_start)
    )
),

final as (
    select
        week_start,
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        * exclude (week_start, dimension, segment_value)
    from kpis
)

select * from final;

-- Created empty here and filled a few weeks at a time (analytics/db.py CHUNKED_FILLS,
-- sql/ingest/kpi_weekly_fill.sql): quantile_cont keeps every value of a group in memory and
-- cannot spill, so one pass over all weeks ran out of the ingest's 2 GB cap at 10M cases.
create or replace table kpi_weekly as
select * from kpi_weekly_cells(date '1900-01-01', date '1900-01-01')
limit 0
