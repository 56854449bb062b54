-- daily_volume: case intake per market-local day.
-- Grain: one row per created_date x market x abuse_category x source x language.
-- resolved_cases / sla_met / sla_breached describe the cases created that day (a created-date
-- cohort, as they stand now). is_complete_day is false from the market's current date on
-- (stg_market_clock): that day is still arriving, so a low count there is not a dip.
-- Parameters (null = all): $start_date, $end_date (on created_date, inclusive), $markets,
-- $categories, $sources.
with

cases as (select * from stg_cases),

filtered as (
    select *
    from cases
    where ($start_date::date is null or created_date >= $start_date::date)
      and ($end_date::date is null or created_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

daily as (
    select
        created_date,
        market,
        any_value(region) as region,
        abuse_category,
        source,
        language,
        count(*) as cases,
        count(*) filter (where is_resolved) as resolved_cases,
        count(*) filter (where is_sla_met_effective) as sla_met,
        count(*) filter (where not is_sla_met_effective) as sla_breached
    from filtered
    group by created_date, market, abuse_category, source, language
),

final as (
    select daily.*, daily.created_date < clock.current_case_date as is_complete_day
    from daily
    left join stg_market_clock as clock on clock.market is not distinct from daily.market
    order by created_date, market, abuse_category, source, language
)

select * from final
