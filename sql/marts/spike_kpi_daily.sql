-- spike_kpi_daily: the rate and duration KPIs the spike detector watches, per segment and
-- market-local day: SLA breach rate (breaches out of the cases whose clock stopped that day,
-- SLA verdict known) and median first response (of the cases created that day that got one).
-- Grain: one row per metric x segment (market x abuse_category x source, NULL = all, via
-- grouping sets; no three-way split: rates of a few cases a day say little) x day with at least
-- one case in the metric's cohort. A NULL in the data is the label '(unknown)', so NULL only
-- ever means "all".
-- Columns: cases = the cohort behind the value (resolved cases with a verdict, or cases with a
-- first response); breaches = SLA breaches (NULL for the median); value = breach rate (0..1) or
-- median first response in seconds.
-- Parameters: $end_date (inclusive, null = all), $market (null = every market; otherwise only
-- the segments within that market).
with

activity as (
    select
        activity,
        activity_date,
        coalesce(market, '(unknown)') as market,
        coalesce(abuse_category, '(unknown)') as abuse_category,
        coalesce(source, '(unknown)') as source,
        is_sla_met_effective,
        first_response_s
    from fact_case_activity
    where activity_date is not null
      and ($end_date::date is null or activity_date <= $end_date::date)
),

breaches as (
    select
        'sla_breach_rate' as metric,
        activity_date as bucket, market, abuse_category, source,
        count(*) as cases,
        count(*) filter (where not is_sla_met_effective) as breaches,
        count(*) filter (where not is_sla_met_effective) / count(*) as value
    from activity
    where activity = 'resolved' and is_sla_met_effective is not null
    group by grouping sets (
        (activity_date), (activity_date, market), (activity_date, abuse_category),
        (activity_date, source), (activity_date, market, abuse_category),
        (activity_date, market, source))
),

first_response as (
    select
        'first_response_median_s' as metric,
        activity_date as bucket, market, abuse_category, source,
        count(*) as cases,
        null::bigint as breaches,
        quantile_cont(first_response_s, 0.5) as value
    from activity
    where activity = 'created' and first_response_s is not null
    group by grouping sets (
        (activity_date), (activity_date, market), (activity_date, abuse_category),
        (activity_date, source), (activity_date, market, abuse_category),
        (activity_date, market, source))
),

final as (
    select * from (select * from breaches union all select * from first_response)
    where $market::varchar is null or market = $market::varchar
    order by metric, market, abuse_category, source, bucket
)

select * from final
