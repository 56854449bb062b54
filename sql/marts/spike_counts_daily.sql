-- spike_counts_daily: case counts per market-local created_date for every segment the spike
-- detector watches: all cases, each market, category and source, and their combinations.
-- Grain: one row per segment (market × abuse_category × source, NULL = all) per created_date
-- with at least one case (the detector fills the days without cases with 0).
-- A NULL in the data is the label '(unknown)', so NULL only ever means "all".
-- Reads the cube kept at ingest (sql/derived/50_cube_cases_daily.sql), not the cases.
-- Parameters: $end_date (inclusive, null = all), $market (null = every market; otherwise only
-- the segments within that market).
with

cubed as (select * from cube_cases_daily where activity = 'created'),

labelled as (
    select
        activity_date as created_date,
        coalesce(market, '(unknown)') as market,
        coalesce(abuse_category, '(unknown)') as abuse_category,
        coalesce(source, '(unknown)') as source,
        cases
    from cubed
    where activity_date is not null
      and ($end_date::date is null or activity_date <= $end_date::date)
),

counted as (
    select created_date as bucket, market, abuse_category, source, sum(cases)::bigint as cases
    from labelled
    group by grouping sets (
        (created_date), (created_date, market), (created_date, abuse_category),
        (created_date, source), (created_date, market, abuse_category),
        (created_date, market, source), (created_date, market, abuse_category, source))
),

final as (
    select * from counted
    where $market::varchar is null or market = $market::varchar
    order by market, abuse_category, source, bucket
)

select * from final
