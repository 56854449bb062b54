-- cube_cases_hourly plus this ingest's signed contributions (the 'created' rows of
-- fact_changes), local hours as sql/derived/51_cube_cases_hourly.sql computes them; cells whose
-- count reaches 0 are dropped. Parameters: none.
create or replace table cube_cases_hourly as
with

created as (
    select sign, created_at, created_date, market, abuse_category, source
    from fact_changes
    where activity = 'created' and created_at is not null
),

zones as (select market, time_zone from main.markets),

changes as (
    select
        date_trunc('hour', timezone(coalesce(zones.time_zone, 'UTC'),
                                    created.created_at at time zone 'UTC')) as local_hour,
        created.created_date,
        created.market,
        created.abuse_category,
        created.source,
        sum(created.sign) as cases
    from created
    left join zones on zones.market = created.market
    group by all
),

combined as (
    select * from cube_cases_hourly
    union all by name
    select * from changes
),

merged as (
    select local_hour, created_date, market, abuse_category, source, sum(cases)::bigint as cases
    from combined
    group by all
),

final as (select * from merged where cases <> 0 order by local_hour, market)

select * from final
