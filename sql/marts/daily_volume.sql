-- daily_volume: case intake per market-local day.
-- Grain: one row per created_date x market x abuse_category x source x language.
-- resolved_cases / sla_met / sla_breached describe the cases created that day (a created-date
-- cohort, as they stand now). is_complete_day is false from the market's current date on
-- (market_clock): that day is still arriving, so a low count there is not a dip.
-- Reads the cube kept at ingest (sql/derived/50_cube_cases_daily.sql), not the cases.
-- Parameters (null = all): $start_date, $end_date (on created_date, inclusive), $markets,
-- $categories, $sources.
with

cubed as (select * from cube_cases_daily where activity = 'created'),

filtered as (
    select *
    from cubed
    where ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

daily as (
    select
        activity_date as created_date,
        market,
        any_value(region) as region,
        abuse_category,
        source,
        language,
        sum(cases)::bigint as cases,
        sum(resolved_cases)::bigint as resolved_cases,
        sum(sla_met)::bigint as sla_met,
        sum(sla_breached)::bigint as sla_breached
    from filtered
    group by activity_date, market, abuse_category, source, language
),

final as (
    select daily.*, daily.created_date < clock.current_case_date as is_complete_day
    from daily
    left join market_clock as clock on clock.market is not distinct from daily.market
    order by created_date, market, abuse_category, source, language
)

select * from final
