-- spike_counts_hourly: case counts per market-local hour (created_at converted with the
-- market's zone from the markets table; unknown markets count in UTC) for the segments the
-- hourly spike detector watches: all cases, each market, category and source, market ×
-- category and market × source.
-- Grain: one row per segment (NULL = all) per local hour with at least one case.
-- Reads the cube kept at ingest (sql/derived/51_cube_cases_hourly.sql), not the cases.
-- Parameters: $end_date (market-local created_date, inclusive, null = all), $market (null = all).
with

cubed as (select * from cube_cases_hourly),

labelled as (
    select
        local_hour,
        coalesce(market, '(unknown)') as market,
        coalesce(abuse_category, '(unknown)') as abuse_category,
        coalesce(source, '(unknown)') as source,
        cases
    from cubed
    where ($end_date::date is null or created_date <= $end_date::date)
),

counted as (
    select local_hour as bucket, market, abuse_category, source, sum(cases)::bigint as cases
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
