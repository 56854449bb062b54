-- stg_business_intervals: every market's working time as UTC intervals with a running total, the
-- "business clock" that SLA clocks and durations read (docs/vendors.md, "Business time").
-- Grain: one row per market x working day (local date that is a working weekday and not a
-- public holiday), over the years data/calendars.toml lists holidays for.
-- start_at / end_at: the local working hours converted to naive UTC in the market's zone, so a
-- daylight-saving change moves them by an hour and a working day stays 9 hours long.
-- clock_start_s: business seconds worked in the market before start_at (from the span's start).
-- The business clock reading of a UTC time t in the market is B(t) = clock_start_s +
-- least(t - start_at, length_s) of the last interval starting at or before t (an ASOF join);
-- a business duration is B(end) - B(start). Markets without working hours have no rows.
create or replace view stg_business_intervals as
with

hours as (select * from main.market_working_hours),

span as (
    select
        cast(date_trunc('year', min(holiday_date)) as date) as first_day,
        cast(date_trunc('year', max(holiday_date)) + interval 1 year - interval 1 day as date)
            as last_day
    from main.market_holidays
),

days as (
    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as local_date
    from span
),

working_days as (
    select hours.market, days.local_date, hours.start_time, hours.end_time
    from hours
    join days on isodow(days.local_date) = hours.weekday
    anti join main.market_holidays as holiday
      on holiday.market = hours.market and holiday.holiday_date = days.local_date
),

in_utc as (
    select
        w.market,
        w.local_date,
        timezone('UTC', timezone(m.time_zone, w.local_date + w.start_time)) as start_at,
        timezone('UTC', timezone(m.time_zone, w.local_date + w.end_time)) as end_at
    from working_days as w
    join main.markets as m using (market)
),

final as (
    select
        market,
        local_date,
        start_at,
        end_at,
        date_diff('second', start_at, end_at) as length_s,
        sum(date_diff('second', start_at, end_at)) over (
            partition by market order by start_at rows between unbounded preceding and 1 preceding
        ) as clock_start_s_raw
    from in_utc
)

select * exclude (clock_start_s_raw), coalesce(clock_start_s_raw, 0) as clock_start_s from final
