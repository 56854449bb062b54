-- kpi_by_segment: the kpi_summary KPIs split by one dimension at a time.
-- Grain: one row per dimension x segment; dimension is market, abuse_category, source, vendor,
-- language, priority, or 'all' (segment 'all', the whole period). A missing segment value is
-- '(unknown)'. Cohorts as kpi_summary: cases and first response on created_date; resolved cases,
-- SLA, resolution time and appeals on the date the clock stopped.
-- Two ways to the same rows (docs/kpis.md):
-- * tables kept at ingest, when no market, category or source filter is set and the period
--   holds a whole Monday-Sunday week: its whole weeks from kpi_weekly (counts) and
--   kpi_sketch_running (duration histograms, running over weeks: two weeks' rows for any
--   span), the days of the weeks it cuts from kpi_daily and kpi_sketch_daily. Medians and p90s
--   come from the summed histograms: bucket b holds [1.02^b, 1.02^(b+1)) seconds and is read back
--   as 2 * 1.02^(b+1) / 2.02; the two order statistics quantile_cont interpolates between are
--   read from their buckets and interpolated the same way, within 1/101 (< 1%) of quantile_cont
--   (tests/test_kpi_cube.py). Counts are exact.
-- * otherwise (a market, category or source filter, or no whole week) fact_case_activity, exact
--   (quantile_cont per activity x segment: tests/test_kpi_cube.py checks it against pandas).
-- Which way is decided by the bound parameters alone, so the other way's scans are planned away.
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.
with

-- the whole weeks of the period, from its first Monday to its last Sunday (null date = no bound)
span as (
    select
        coalesce(date_trunc('week', $start_date::date + 6)::date, date '1900-01-01') as first_day,
        coalesce(date_trunc('week', $end_date::date + 1)::date - 1, date '9999-12-31') as last_day,
        $markets::varchar[] is null and $categories::varchar[] is null
            and $sources::varchar[] is null
            and coalesce(date_trunc('week', $start_date::date + 6)::date, date '1900-01-01') + 6
                <= coalesce(date_trunc('week', $end_date::date + 1)::date - 1, date '9999-12-31')
            as is_kept
),

-- way 1: the tables --------------------------------------------------------------------------

kept_counts as (
    select
        dimension, segment,
        coalesce(sum(cases), 0)::bigint as cases,
        coalesce(sum(resolved_cases), 0)::bigint as resolved_cases,
        coalesce(sum(sla_met), 0)::bigint as sla_met,
        coalesce(sum(sla_breached), 0)::bigint as sla_breached,
        coalesce(sum(appealed_cases), 0)::bigint as appealed_cases,
        coalesce(sum(appeal_known_cases), 0)::bigint as appeal_known_cases,
        coalesce(sum(overturned_cases), 0)::bigint as overturned_cases,
        coalesce(sum(decided_appeals), 0)::bigint as decided_appeals
    from (
        select * exclude (week_start, first_response_median_s, first_response_p90_s,
                          resolution_median_s, resolution_p90_s)
        from kpi_weekly
        cross join span
        where span.is_kept and week_start >= span.first_day and week_start + 6 <= span.last_day
        union all by name
        select * exclude (activity_date)
        from kpi_daily
        cross join span
        where span.is_kept
          and ($start_date::date is null or activity_date >= $start_date::date)
          and ($end_date::date is null or activity_date <= $end_date::date)
          -- span's bounds written out: constants reach the scan, which skips row groups
          and (activity_date < coalesce(date_trunc('week', $start_date::date + 6)::date,
                                        date '1900-01-01')
               or activity_date > coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                           date '9999-12-31'))
        union all by name   -- the 'all' row exists even for an empty period
        select 'all' as dimension, 'all' as segment, 0 as cases
        from span
        where span.is_kept
    )
    group by dimension, segment
),

running_bounds as (
    select
        least(span.last_day - 6, max(kpi_weekly.week_start)) as last_week,
        least(span.first_day - 7, max(kpi_weekly.week_start)) as week_before
    from kpi_weekly
    cross join span
    where span.is_kept
    group by span.first_day, span.last_day
    -- a span past the newest week holds no kept week: nothing to read
    having least(span.last_day - 6, max(kpi_weekly.week_start))
           > least(span.first_day - 7, max(kpi_weekly.week_start))
),

buckets as (
    select activity, dimension, segment, bucket, sum(values_in_bucket)::bigint as values_in_bucket
    from (
        -- whole weeks: running count through the last one minus through the week before the first
        select
            activity, dimension, segment, bucket,
            case when week_start = running_bounds.last_week then values_through_week
                 else -values_through_week end as values_in_bucket
        from kpi_sketch_running
        cross join running_bounds
        where week_start = running_bounds.last_week or week_start = running_bounds.week_before
        union all
        select activity, dimension, segment, bucket, values_in_bucket
        from kpi_sketch_daily
        cross join span
        where span.is_kept
          and ($start_date::date is null or activity_date >= $start_date::date)
          and ($end_date::date is null or activity_date <= $end_date::date)
          -- span's bounds written out: constants reach the scan, which skips row groups
          and (activity_date < coalesce(date_trunc('week', $start_date::date + 6)::date,
                                        date '1900-01-01')
               or activity_date > coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                           date '9999-12-31'))
    )
    group by activity, dimension, segment, bucket
    having sum(values_in_bucket) > 0
),

totals as (
    select activity, dimension, segment, sum(values_in_bucket)::bigint as n
    from buckets
    group by activity, dimension, segment
),

walked as (
    select
        activity, dimension, segment,
        case when bucket < 0 then 0.0 else 2 * pow(1.02, bucket + 1) / 2.02 end as value_s,
        (sum(values_in_bucket) over (partition by activity, dimension, segment order by bucket
                                     rows between unbounded preceding and current row))::bigint
            as through_rank   -- values in this bucket and below
    from buckets
),

-- quantile_cont's order statistics (0-based ranks floor and ceil of (n - 1) * q), each read
-- back from the first bucket whose running count passes it, then interpolated
ranked as (
    select
        activity, dimension, segment,
        any_value(n) as n,
        min(value_s) filter (where through_rank > floor((n - 1) * 0.5)) as median_low,
        min(value_s) filter (where through_rank > ceil((n - 1) * 0.5)) as median_high,
        min(value_s) filter (where through_rank > floor((n - 1) * 0.9)) as p90_low,
        min(value_s) filter (where through_rank > ceil((n - 1) * 0.9)) as p90_high
    from walked
    join totals using (activity, dimension, segment)
    group by activity, dimension, segment
),

sketched as (
    select
        activity, dimension, segment,
        median_low + ((n - 1) * 0.5 - floor((n - 1) * 0.5)) * (median_high - median_low)
            as median_s,
        p90_low + ((n - 1) * 0.9 - floor((n - 1) * 0.9)) * (p90_high - p90_low) as p90_s
    from ranked
),

from_tables as (
    select
        k.dimension, k.segment, k.cases, k.resolved_cases, k.sla_met, k.sla_breached,
        fr.median_s as first_response_median_s,
        fr.p90_s as first_response_p90_s,
        rs.median_s as resolution_median_s,
        rs.p90_s as resolution_p90_s,
        k.appealed_cases, k.appeal_known_cases, k.overturned_cases, k.decided_appeals
    from kept_counts as k
    left join sketched as fr
        on fr.activity = 'created' and fr.dimension = k.dimension and fr.segment = k.segment
    left join sketched as rs
        on rs.activity = 'resolved' and rs.dimension = k.dimension and rs.segment = k.segment
),

-- way 2: the fact table, exact ------------------------------------------------------------------

activity as (
    select
        activity, market, abuse_category, source, vendor, language, priority,
        is_sla_met_effective, is_appealed, appeal_outcome,
        -- each row's one duration: a created row's first response, a resolved row's resolution
        case when activity = 'created' then first_response_s else resolution_s end as duration_s
    from fact_case_activity
    where ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      -- not span.is_kept, written out: a constant, so this scan is planned away when unused
      and not ($markets::varchar[] is null and $categories::varchar[] is null
               and $sources::varchar[] is null
               and coalesce(date_trunc('week', $start_date::date + 6)::date,
                            date '1900-01-01') + 6
                   <= coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                               date '9999-12-31'))
),

-- activity in every grouping set, so each group holds one cohort and its quantiles need no
-- FILTER: at 10M cases with one market set, about half the CPU of four FILTERed quantile_cont
-- per group (docs/kpis.md). One quantile_cont with both fractions, not one per fraction: its
-- state holds the group's values once, ~25% less CPU for the mart, same values.
computed as (
    select
        activity,
        case
            when grouping(market) = 0 then 'market'
            when grouping(abuse_category) = 0 then 'abuse_category'
            when grouping(source) = 0 then 'source'
            when grouping(vendor) = 0 then 'vendor'
            when grouping(language) = 0 then 'language'
            when grouping(priority) = 0 then 'priority'
            else 'all'
        end as dimension,
        coalesce(market, abuse_category, source, vendor, language, priority) as segment_value,
        count(*) as activity_rows,
        count(*) filter (where is_sla_met_effective) as sla_met,
        count(*) filter (where not is_sla_met_effective) as sla_breached,
        quantile_cont(duration_s, [0.5, 0.9]) as quantiles_s,   -- median, p90
        count(*) filter (where is_appealed) as appealed_cases,
        count(is_appealed) as appeal_known_cases,
        count(*) filter (where appeal_outcome = 'overturned') as overturned_cases,
        count(*) filter (where appeal_outcome in ('upheld', 'overturned')) as decided_appeals
    from activity
    group by grouping sets (
        (activity, market), (activity, abuse_category), (activity, source), (activity, vendor),
        (activity, language), (activity, priority), (activity)
    )
),

-- one row per dimension x segment: the created cohort's columns beside the resolved cohort's
from_fact as (
    select
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        coalesce(sum(activity_rows) filter (where activity = 'created'), 0)::bigint as cases,
        coalesce(sum(activity_rows) filter (where activity = 'resolved'), 0)::bigint
            as resolved_cases,
        coalesce(sum(sla_met) filter (where activity = 'resolved'), 0)::bigint as sla_met,
        coalesce(sum(sla_breached) filter (where activity = 'resolved'), 0)::bigint
            as sla_breached,
        any_value(quantiles_s[1]) filter (where activity = 'created') as first_response_median_s,
        any_value(quantiles_s[2]) filter (where activity = 'created') as first_response_p90_s,
        any_value(quantiles_s[1]) filter (where activity = 'resolved') as resolution_median_s,
        any_value(quantiles_s[2]) filter (where activity = 'resolved') as resolution_p90_s,
        coalesce(sum(appealed_cases) filter (where activity = 'resolved'), 0)::bigint
            as appealed_cases,
        coalesce(sum(appeal_known_cases) filter (where activity = 'resolved'), 0)::bigint
            as appeal_known_cases,
        coalesce(sum(overturned_cases) filter (where activity = 'resolved'), 0)::bigint
            as overturned_cases,
        coalesce(sum(decided_appeals) filter (where activity = 'resolved'), 0)::bigint
            as decided_appeals
    from (
        select * from computed
        union all by name   -- the 'all' row exists even for an empty period
        select 'all' as dimension
        where not ($markets::varchar[] is null and $categories::varchar[] is null
                   and $sources::varchar[] is null
                   and coalesce(date_trunc('week', $start_date::date + 6)::date,
                                date '1900-01-01') + 6
                       <= coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                   date '9999-12-31'))
    )
    group by all
),

kpis as (
    select * from from_tables
    union all by name
    select * from from_fact
),

final as (
    select
        dimension,
        segment,
        cases,
        resolved_cases,
        sla_met,
        sla_breached,
        100.0 * sla_met / nullif(sla_met + sla_breached, 0) as sla_attainment_pct,
        first_response_median_s,
        first_response_p90_s,
        resolution_median_s,
        resolution_p90_s,
        appealed_cases,
        overturned_cases,
        decided_appeals,
        -- an export without an appeal flag has no appeal rate, not a rate of 0
        100.0 * appealed_cases / nullif(appeal_known_cases, 0) as appeal_rate_pct,
        100.0 * overturned_cases / nullif(decided_appeals, 0) as overturn_rate_pct
    from kpis
    order by dimension, cases desc, segment
)

select * from final
