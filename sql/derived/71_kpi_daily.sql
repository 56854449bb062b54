-- kpi_daily: the KPI marts' counts per market-local day and segment, from fact_case_activity:
-- the days of the weeks a period cuts (whole weeks come from kpi_weekly).
-- Grain: one row per activity_date x dimension x segment (dimension and segment as
-- kpi_by_segment). Counts only: they add across days.
-- Two statements: the table macro kpi_daily_cells(first_day, last_day) holds the query, so
-- that an ingest recomputes the days from its first to its last touched week through the very
-- same query (analytics/ingest/kpi_cube.py,
-- sql/ingest/kpi_daily_*.sql); the table keeps the rows, sorted by day. This file is the
-- from-scratch build; tests/test_kpi_cube.py checks that both agree. Parameters: none.
create or replace macro kpi_daily_cells(first_day, last_day) as table
with

activity as (
    select
        activity_date,
        activity, market, abuse_category, source, vendor, language, priority,
        is_sla_met_effective, is_appealed, appeal_outcome
    from fact_case_activity
    where activity_date between first_day and last_day
),

kpis as (
    select
        activity_date,
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
        count(*) filter (where activity = 'resolved' and is_appealed) as appealed_cases,
        count(is_appealed) filter (where activity = 'resolved') as appeal_known_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome = 'overturned')
            as overturned_cases,
        count(*) filter (where activity = 'resolved' and appeal_outcome in ('upheld', 'overturned'))
            as decided_appeals
    from activity
    group by grouping sets (
        (activity_date, market), (activity_date, abuse_category), (activity_date, source),
        (activity_date, vendor), (activity_date, language), (activity_date, priority),
        (activity_date)
    )
),

final as (
    select
        activity_date,
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        * exclude (activity_date, dimension, segment_value)
    from kpis
)

select * from final;

create or replace table kpi_daily as
select * from kpi_daily_cells(date '1900-01-01', date '9999-12-31')
order by activity_date, dimension, segment
