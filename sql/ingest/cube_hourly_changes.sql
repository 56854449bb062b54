-- cube_hourly_changes: this ingest's signed contributions to cube_cases_hourly (the 'created'
-- rows of fact_changes), local hours as sql/derived/51_cube_cases_hourly.sql computes them.
-- Grain: one row per touched cell. Parameters: none.
create or replace temp table cube_hourly_changes as
with

created as (
    select sign, created_at, created_date, market, abuse_category, source
    from fact_changes
    where activity = 'created' and created_at is not null
),

zones as (select market, time_zone from main.markets),

final as (
    select
        date_trunc('hour', timezone(coalesce(zones.time_zone, 'UTC'),
                                    created.created_at at time zone 'UTC')) as local_hour,
        created.created_date,
        created.market,
        created.abuse_category,
        created.source,
        sum(created.sign)::bigint as cases
    from created
    left join zones on zones.market = created.market
    group by all
)

select * from final
