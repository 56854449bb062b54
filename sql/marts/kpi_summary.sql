-- kpi_summary: the headline KPIs of one period, exactly one row (zeros and nulls when empty).
-- Grain: one row. Cohorts: cases and first response count cases created in the period; resolved
-- cases, SLA, resolution time and appeals count cases whose clock stopped (closed_date) in the
-- period (stg_cases_activity). open_backlog / open_breached are a stock as of $as_of (null = the
-- newest created_at or resolved_at in the data); the date range does not apply to them.
-- Medians and p90 are in calendar seconds. The period's KPIs are kpi_by_segment's 'all' row, read
-- the same two ways (see kpi_by_segment.sql and docs/kpis.md): from the tables kept at ingest
-- when no market, category or source filter is set and the period holds a whole week (quantiles
-- within 1% of quantile_cont), otherwise from fact_case_activity (exact).
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources, $as_of (UTC timestamp).
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
        where span.is_kept and dimension = 'all'
          and week_start >= span.first_day and week_start + 6 <= span.last_day
        union all by name
        select * exclude (activity_date)
        from kpi_daily
        cross join span
        where span.is_kept and dimension = 'all'
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
        where dimension = 'all'
          and (week_start = running_bounds.last_week or week_start = running_bounds.week_before)
        union all
        select activity, dimension, segment, bucket, values_in_bucket
        from kpi_sketch_daily
        cross join span
        where span.is_kept and dimension = 'all'
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
        activity, is_sla_met_effective, is_appealed, appeal_outcome,
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

-- one group per cohort, so its quantiles need no FILTER; one quantile_cont with both fractions
-- holds the values once (kpi_by_segment.sql)
computed as (
    select
        activity,
        count(*) as activity_rows,
        count(*) filter (where is_sla_met_effective) as sla_met,
        count(*) filter (where not is_sla_met_effective) as sla_breached,
        quantile_cont(duration_s, [0.5, 0.9]) as quantiles_s,   -- median, p90
        count(*) filter (where is_appealed) as appealed_cases,
        count(is_appealed) as appeal_known_cases,
        count(*) filter (where appeal_outcome = 'overturned') as overturned_cases,
        count(*) filter (where appeal_outcome in ('upheld', 'overturned')) as decided_appeals
    from activity
    group by activity
),

-- the created cohort's columns beside the resolved cohort's: one row, even for an empty period
from_fact as (
    select
        'all' as dimension,
        'all' as segment,
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
    from computed
    having not ($markets::varchar[] is null and $categories::varchar[] is null
                and $sources::varchar[] is null
                and coalesce(date_trunc('week', $start_date::date + 6)::date,
                             date '1900-01-01') + 6
                    <= coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                date '9999-12-31'))
),

kpis as (
    select * from from_tables
    union all by name
    select * from from_fact
),

as_of as (
    select coalesce($as_of::timestamp, greatest(max(created_at), max(resolved_at))) as as_of_at
    from main.cases  -- raw table: a max needs no SLA resolution
    where $as_of::timestamp is null  -- a given as_of needs no scan (the filter folds to false)
),

-- the cases open at as_of, found in two disjoint reads whose filters are constants, so that they
-- reach the scan of all ~2 rows per case and only the few open rows fetch the other columns:
-- cases not closed, and cases closed after as_of (vendor_backlog_as_of.sql does the same). They
-- skip row groups by market only: every row group of the (market, day) sort holds created rows
-- of cases closed weeks later and resolved rows of cases created weeks before. At 10M, no
-- filter, the Overview's two calls took 0.39 -> 0.22 s and 0.42 -> 0.33 s (docs/kpis.md).
-- $as_of null means the newest created_at or resolved_at, which no closed_at (a resolved_at or
-- created_at) passes: the second read is then empty ('infinity' skips every row group). backlog
-- applies the exact definition and checks the activity after the scans (a closed case's resolved
-- row passes their filters too): checked in the scan, on every row, it cost ~40 ms at 10M.
open_rows as (
    select activity, created_at, closed_at, sla_due_effective_at
    from fact_case_activity
    where ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      and closed_at is null
      and created_at <= coalesce($as_of::timestamp, 'infinity'::timestamp)
    union all
    select activity, created_at, closed_at, sla_due_effective_at
    from fact_case_activity
    where ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      and closed_at > coalesce($as_of::timestamp, 'infinity'::timestamp)
      and created_at <= coalesce($as_of::timestamp, 'infinity'::timestamp)
),

-- an aggregate's FILTER, unlike a WHERE, is not pushed into the scans
backlog as (
    select
        count(*) filter (where activity = 'created') as open_backlog,
        count(*) filter (where activity = 'created' and sla_due_effective_at < as_of_at)
            as open_breached
    from open_rows
    cross join as_of
    where created_at <= as_of_at
      and (closed_at is null or closed_at > as_of_at)
),

final as (
    select
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
        100.0 * overturned_cases / nullif(decided_appeals, 0) as overturn_rate_pct,
        open_backlog,
        open_breached,
        as_of_at
    from kpis
    cross join backlog
    cross join as_of
)

select * from final
