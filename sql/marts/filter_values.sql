-- filter_values: what the sidebar filters offer, read from the cube kept at ingest: every
-- market x abuse_category x source combination in the data with its case count and the first
-- and last market-local created_date (a few thousand rows at most, whatever the case count).
-- Grain: one row per market x abuse_category x source (NULL is a value of its own).
-- Parameters: none.
with

cubed as (select * from cube_cases_daily where activity = 'created'),

final as (
    select
        market,
        abuse_category,
        source,
        sum(cases)::bigint as cases,
        min(activity_date) as first_created_date,
        max(activity_date) as last_created_date
    from cubed
    group by market, abuse_category, source
    order by market, abuse_category, source
)

select * from final
