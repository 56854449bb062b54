-- backlog_daily: cases opened and closed per market-local day, and the open backlog at each
-- day's end, as a running sum of opens minus closes (never a non-equi join: MEASURED.md).
-- Grain: one row per date x market, every day from the market's first case to the newest
-- created or closed date in the data (days without activity included). The running sum starts
-- at the market's first case, so it includes everything before $start_date; the date range only
-- limits the rows returned.
-- Closed = closed_date (stg_cases_activity). is_complete_day: false from the market's current
-- date on (market_clock), the day still arriving.
-- Reads tables kept at ingest, not the cases: without a category or source filter the per-market
-- day counts of kpi_daily (sql/derived/71; ~12k rows at 10M cases, where the cube holds 2.8M:
-- 0.18 -> ~0.02 s), otherwise the cube (sql/derived/50_cube_cases_daily.sql). Both count the
-- created and closed rows of fact_case_activity; tests/test_marts.py checks they agree.
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.
with

-- kpi_daily names a missing market '(unknown)' (kpi_by_segment's segment); here it is null again
market_days_kept as (
    select
        case when segment = '(unknown)' then null else segment end as market,
        activity_date, cases, resolved_cases
    from kpi_daily
    where dimension = 'market'
      and $categories::varchar[] is null and $sources::varchar[] is null
),

activity as (
    select market, 'created' as activity, activity_date, cases
    from market_days_kept
    where $markets::varchar[] is null or list_contains($markets::varchar[], market)
    union all
    select market, 'resolved' as activity, activity_date, resolved_cases as cases
    from market_days_kept
    where $markets::varchar[] is null or list_contains($markets::varchar[], market)
    union all
    select market, activity, activity_date, cases
    from cube_cases_daily
    where not ($categories::varchar[] is null and $sources::varchar[] is null)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
),

newest as (select max(activity_date) as last_date from kpi_daily where dimension = 'all'),

market_days as (
    select market, unnest(generate_series(first_date, last_date, interval 1 day))::date as date
    from (
        select market, min(activity_date) as first_date, any_value(last_date) as last_date
        from activity
        cross join newest
        group by market
    )
),

movements as (
    select
        market,
        activity_date as date,
        coalesce(sum(cases) filter (where activity = 'created'), 0)::bigint as opened,
        coalesce(sum(cases) filter (where activity = 'resolved'), 0)::bigint as closed
    from activity
    group by market, activity_date
),

running as (
    select
        market_days.date,
        market_days.market,
        coalesce(movements.opened, 0) as opened,
        coalesce(movements.closed, 0) as closed,
        sum(coalesce(movements.opened, 0) - coalesce(movements.closed, 0)) over (
            partition by market_days.market order by market_days.date
            rows between unbounded preceding and current row
        ) as open_backlog
    from market_days
    left join movements  -- a case without a market still belongs to a (null) market's backlog
      on movements.market is not distinct from market_days.market
     and movements.date = market_days.date
),

final as (
    select running.*, running.date < clock.current_case_date as is_complete_day
    from running
    left join market_clock as clock on clock.market is not distinct from running.market
    where ($start_date::date is null or date >= $start_date::date)
      and ($end_date::date is null or date <= $end_date::date)
    order by date, market
)

select * from final
