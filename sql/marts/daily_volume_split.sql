-- daily_volume_split: cases created per market-local day split by one dimension, for the
-- Overview's stacked chart: daily_volume's totals at the grain the chart draws (days x a few
-- dozen values), so the page never pulls one row per cube cell (half a million at 10M cases).
-- Grain: one row per created_date x split_value with at least one case; split_value is the
-- case's $split ('region' | 'abuse_category' | 'source' | 'market' | 'language'; any other value
-- gives NULL), NULL when the case has none.
-- Reads the cube kept at ingest (sql/derived/50_cube_cases_daily.sql), not the cases.
-- Parameters (null = all): $start_date, $end_date (on created_date, inclusive), $markets,
-- $categories, $sources; $split (required).
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

labelled as (
    select
        activity_date as created_date,
        case $split::varchar
            when 'region' then region
            when 'abuse_category' then abuse_category
            when 'source' then source
            when 'market' then market
            when 'language' then language
        end as split_value,
        cases
    from filtered
),

final as (
    select created_date, split_value, sum(cases)::bigint as cases
    from labelled
    group by created_date, split_value
    order by created_date, split_value
)

select * from final
