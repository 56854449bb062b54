-- cube_hourly_cells: cases per market-local hour (created_at in the market's zone from the
-- markets table; unknown markets in UTC) and segment, summed from `created` (sign, created_at,
-- created_date, market, abuse_category, source: +1 per case for the from-scratch build, an
-- ingest's signed contributions for its merge); shared by sql/derived/51_cube_cases_hourly.sql
-- and sql/ingest/cube_hourly_changes.sql. Parameters: none.
select
    date_trunc('hour', timezone(coalesce(zones.time_zone, 'UTC'),
                                created.created_at at time zone 'UTC')) as local_hour,
    created.created_date,
    created.market,
    created.abuse_category,
    created.source,
    sum(created.sign)::bigint as cases
from created
left join (select market, time_zone from main.markets) as zones on zones.market = created.market
group by all
