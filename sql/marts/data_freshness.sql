-- data_freshness: how new the data is, for the freshness line on every page.
-- Grain: exactly one row. last_complete_date is the newest market-local date that has ended in
-- every market: the day before the earliest current date in market_clock (the market-local
-- date of the newest created_at). Later days are still arriving: a late export is not a dip. last_ingest_at is the newest finished ingest with status 'ok'; last_ingest_status is the
-- status of the newest ingest attempt of any outcome. No parameters.
with

cases as (
    select
        max(created_at) as newest_created_at,
        max(updated_at) as newest_updated_at,
        max(created_date) as newest_created_date,
        count(*) as case_count
    from main.cases
),

clock as (select min(current_case_date) - 1 as last_complete_date from market_clock),

reviews as (
    select max(decided_at) as newest_decided_at, count(*) as review_count
    from main.reviews
),

ingests as (
    select
        max(finished_at) filter (where status = 'ok') as last_ingest_at,
        arg_max(status, started_at) as last_ingest_status
    from main.ingests
),

final as (
    select
        newest_created_at,
        newest_updated_at,
        newest_decided_at,
        last_ingest_at,
        last_ingest_status,
        case_count,
        review_count,
        last_complete_date,
        newest_created_date
    from cases
    cross join reviews
    cross join ingests
    cross join clock
)

select * from final
