-- spike_counts_hourly: case counts per market-local hour (created_at converted with the
-- market's zone from the markets table; unknown markets count in UTC) for the segments the
-- hourly spike detector watches: all cases, each market, category and source, market ×
-- category and market × source.
-- Grain: one row per segment (NULL = all) per local hour with at least one case.
-- Parameters: $end_date (market-local created_date, inclusive, null = all), $market (null = all).
with

cases as (select * from stg_cases),

zones as (select market, time_zone from main.markets),

labelled as (
    select
        date_trunc('hour', timezone(coalesce(zones.time_zone, 'UTC'),
                                    cases.created_at at time zone 'UTC')) as local_hour,
        coalesce(cases.market, '(unknown)') as market,
        coalesce(cases.abuse_category, '(unknown)') as abuse_category,
        coalesce(cases.source, '(unknown)') as source
    from cases
    left join zones on zones.market = cases.market
    where cases.created_at is not null
      and ($end_date::date is null or cases.created_date <= $end_date::date)
),

counted as (
    select local_hour as bucket, market, abuse_category, source, count(*) as cases
    from labelled
    group by grouping sets (
        (local_hour), (local_hour, market), (local_hour, abuse_category), (local_hour, source),
        (local_hour, market, abuse_category), (local_hour, market, source))
),

final as (
    select * from counted
    where $market::varchar is null or market = $market::varchar
    order by market, abuse_category, source, bucket
)

select * from final
