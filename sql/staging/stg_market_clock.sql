-- stg_market_clock: per market, the market-local date the data has reached ("today" of the
-- export): the local date of the newest created_at (cases) and decided_at (reviews) in the whole
-- data set. That day is still arriving in that market, so it and later days are incomplete; a
-- market east of UTC reaches tomorrow first. Zones as calendars.calendar_for: the market's own,
-- else its country's (US-NY -> US), else UTC.
create or replace view stg_market_clock as
with

newest as (
    select
        (select max(created_at) from main.cases) as newest_created_at,
        (select max(decided_at) from main.reviews) as newest_decided_at
),

seen as (
    select distinct market from main.cases
    union
    select distinct market from main.reviews
),

zoned as (
    select
        seen.market,
        coalesce(own.time_zone, country.time_zone, 'UTC') as time_zone
    from seen
    left join main.markets as own on own.market = upper(seen.market)
    left join main.markets as country on country.market = split_part(upper(seen.market), '-', 1)
),

final as (
    select
        zoned.market,
        zoned.time_zone,
        cast(timezone(zoned.time_zone, newest.newest_created_at at time zone 'UTC') as date)
            as current_case_date,
        cast(timezone(zoned.time_zone, newest.newest_decided_at at time zone 'UTC') as date)
            as current_review_date
    from zoned
    cross join newest
)

select * from final
