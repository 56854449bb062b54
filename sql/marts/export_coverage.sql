-- export_coverage: the time each case export covers, and whether its timestamps carry a time of
-- day. Days outside every export's coverage are missing (not zero) for spikes, trends and KPI
-- series (analytics/coverage.py); a quiet day inside it is a real zero.
-- Grain: one row per ingest that holds cases (cases.ingest_id: the last export that stated the
-- case, so an update export's window reaches back to the cases it re-stated).
-- is_date_only: every created_at of the export is on the hour with no minutes or seconds, and
-- each market has at most two distinct UTC hours (local midnight, and its DST twin): the export
-- wrote dates, not times, so it has no hourly series.
-- Parameters: none.
with

cases as (
    -- rows stored without an ingest (older loaders) count as one export, id -1
    select coalesce(ingest_id, -1) as ingest_id, market, created_at, created_date
    from main.cases
    where created_at is not null and created_date is not null
),

per_market as (
    select
        ingest_id,
        market,
        count(distinct hour(created_at)) as distinct_hours,
        bool_and(minute(created_at) = 0 and second(created_at) = 0) as on_the_hour
    from cases
    group by ingest_id, market
),

timing as (
    select
        ingest_id,
        bool_and(on_the_hour and distinct_hours <= 2) as is_date_only
    from per_market
    group by ingest_id
),

windows as (
    select
        ingest_id,
        min(created_date) as first_date,
        max(created_date) as last_date,
        min(created_at) as first_at,
        max(created_at) as last_at,
        count(*) as cases
    from cases
    group by ingest_id
),

final as (
    select windows.*, timing.is_date_only
    from windows
    join timing using (ingest_id)
    order by first_date, ingest_id
)

select * from final
