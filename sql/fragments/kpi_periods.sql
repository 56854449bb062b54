-- kpi_periods: the KPI marts' shared logic (kpi_summary, kpi_by_segment, kpi_by_segment_week),
-- written once. Not a query of its own: a chain of CTEs that each of those marts includes
-- (`-- include: fragments/kpi_periods`, expanded by analytics/db.sql_text before the query runs,
-- on DuckDB and on Spark alike), after defining
--     grain as (select <bool> as by_week, <bool> as all_only)
-- by_week: one row per week_start x dimension x segment (kpi_by_segment_week), else one row per
-- dimension x segment for the whole period (week_start is then the placeholder 1900-01-01);
-- all_only: only the dimension 'all' (kpi_summary). The chain ends in kpi_rows: the KPI columns
-- with their rates, keyed by week_start, dimension, segment.
-- Two ways to the same rows (docs/kpis.md):
-- * tables kept at ingest, when no market, category or source filter is set and the period
--   holds a whole Monday-Sunday week: by period, its whole weeks' counts from kpi_weekly and
--   their durations from kpi_sketch_running (duration histograms running over weeks: two weeks'
--   rows give any span); by week, whole weeks from kpi_weekly as they are (exact quantiles). The
--   days of the weeks the period cuts come from kpi_daily and kpi_sketch_daily. Medians and p90s
--   come from the summed histograms: bucket b holds [1.02^b, 1.02^(b+1)) seconds and is read back
--   as 2 * 1.02^(b+1) / 2.02; the two order statistics quantile_cont interpolates between are read
--   from their buckets and interpolated the same way, within 1/101 (< 1%) of quantile_cont
--   (tests/test_kpi_cube.py). Counts are exact.
-- * otherwise (a market, category or source filter, or no whole week) fact_case_activity, exact
--   (quantile_cont per activity x segment: tests/test_kpi_cube.py checks it against pandas).
-- Which way is decided by the bound parameters alone, so the other way's scans are planned away.
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.

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

-- the dimensions asked for: every one, or 'all' alone
dims as (
    select listed.dimension
    from (values ('market'), ('abuse_category'), ('source'), ('vendor'), ('language'),
                 ('priority'), ('all')) as listed(dimension)
    cross join grain
    where listed.dimension = 'all' or not grain.all_only
),

-- way 1: the tables --------------------------------------------------------------------------

-- the days of the weeks the period cuts (span's bounds written out: constants reach the scan,
-- which skips row groups), keyed by their week (by_week) or by the period
cut_days as (
    select
        case when grain.by_week then date_trunc('week', activity_date)::date
             else date '1900-01-01' end as week_start,
        dimension, segment, cases, resolved_cases, sla_met, sla_breached, appealed_cases,
        appeal_known_cases, overturned_cases, decided_appeals
    from kpi_daily
    cross join span
    cross join grain
    where span.is_kept
      and dimension in (select dimension from dims)
      and ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and (activity_date < coalesce(date_trunc('week', $start_date::date + 6)::date,
                                    date '1900-01-01')
           or activity_date > coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                       date '9999-12-31'))
),

kept_counts as (
    select
        week_start, dimension, segment,
        cast(coalesce(sum(cases), 0) as bigint) as cases,
        cast(coalesce(sum(resolved_cases), 0) as bigint) as resolved_cases,
        cast(coalesce(sum(sla_met), 0) as bigint) as sla_met,
        cast(coalesce(sum(sla_breached), 0) as bigint) as sla_breached,
        cast(coalesce(sum(appealed_cases), 0) as bigint) as appealed_cases,
        cast(coalesce(sum(appeal_known_cases), 0) as bigint) as appeal_known_cases,
        cast(coalesce(sum(overturned_cases), 0) as bigint) as overturned_cases,
        cast(coalesce(sum(decided_appeals), 0) as bigint) as decided_appeals
    from (
        -- by period: the whole weeks' counts add up (by week they come whole, in whole_weeks)
        select
            date '1900-01-01' as week_start,
            dimension, segment, cases, resolved_cases, sla_met, sla_breached, appealed_cases,
            appeal_known_cases, overturned_cases, decided_appeals
        from kpi_weekly
        cross join span
        cross join grain
        where span.is_kept and not grain.by_week
          and dimension in (select dimension from dims)
          and week_start >= span.first_day and week_start + 6 <= span.last_day
        union all
        select * from cut_days
        union all   -- by period, the 'all' row exists even for an empty period
        select
            date '1900-01-01' as week_start, 'all' as dimension, 'all' as segment, 0 as cases,
            null as resolved_cases, null as sla_met, null as sla_breached,
            null as appealed_cases, null as appeal_known_cases, null as overturned_cases,
            null as decided_appeals
        from span
        cross join grain
        where span.is_kept and not grain.by_week
    ) as counted
    group by week_start, dimension, segment
),

running_bounds as (
    select
        least(span.last_day - 6, max(kpi_weekly.week_start)) as last_week,
        least(span.first_day - 7, max(kpi_weekly.week_start)) as week_before
    from kpi_weekly
    cross join span
    cross join grain
    where span.is_kept and not grain.by_week
    group by span.first_day, span.last_day
    -- a span past the newest week holds no kept week: nothing to read
    having least(span.last_day - 6, max(kpi_weekly.week_start))
           > least(span.first_day - 7, max(kpi_weekly.week_start))
),

buckets as (
    select
        week_start, activity, dimension, segment, bucket,
        cast(sum(values_in_bucket) as bigint) as values_in_bucket
    from (
        -- by period, whole weeks: running count through the last one minus through the week
        -- before the first
        select
            date '1900-01-01' as week_start, activity, dimension, segment, bucket,
            case when week_start = running_bounds.last_week then values_through_week
                 else -values_through_week end as values_in_bucket
        from kpi_sketch_running
        cross join running_bounds
        where (week_start = running_bounds.last_week or week_start = running_bounds.week_before)
          and dimension in (select dimension from dims)
        union all
        select
            case when grain.by_week then date_trunc('week', activity_date)::date
                 else date '1900-01-01' end as week_start,
            activity, dimension, segment, bucket, values_in_bucket
        from kpi_sketch_daily
        cross join span
        cross join grain
        where span.is_kept
          and dimension in (select dimension from dims)
          and ($start_date::date is null or activity_date >= $start_date::date)
          and ($end_date::date is null or activity_date <= $end_date::date)
          and (activity_date < coalesce(date_trunc('week', $start_date::date + 6)::date,
                                        date '1900-01-01')
               or activity_date > coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                           date '9999-12-31'))
    ) as summed
    group by week_start, activity, dimension, segment, bucket
    having sum(values_in_bucket) > 0
),

totals as (
    select week_start, activity, dimension, segment, cast(sum(values_in_bucket) as bigint) as n
    from buckets
    group by week_start, activity, dimension, segment
),

walked as (
    select
        week_start, activity, dimension, segment,
        case when bucket < 0 then 0.0 else 2 * pow(1.02, bucket + 1) / 2.02 end as value_s,
        cast(sum(values_in_bucket) over (partition by week_start, activity, dimension, segment
                                         order by bucket
                                         rows between unbounded preceding and current row)
             as bigint) as through_rank   -- values in this bucket and below
    from buckets
),

-- quantile_cont's order statistics (0-based ranks floor and ceil of (n - 1) * q), each read
-- back from the first bucket whose running count passes it, then interpolated
ranked as (
    select
        walked.week_start, walked.activity, walked.dimension, walked.segment,
        max(totals.n) as n,
        min(case when through_rank > floor((n - 1) * 0.5) then value_s end) as median_low,
        min(case when through_rank > ceil((n - 1) * 0.5) then value_s end) as median_high,
        min(case when through_rank > floor((n - 1) * 0.9) then value_s end) as p90_low,
        min(case when through_rank > ceil((n - 1) * 0.9) then value_s end) as p90_high
    from walked
    join totals
      on totals.week_start = walked.week_start and totals.activity = walked.activity
     and totals.dimension = walked.dimension and totals.segment = walked.segment
    group by walked.week_start, walked.activity, walked.dimension, walked.segment
),

sketched as (
    select
        week_start, activity, dimension, segment,
        median_low + ((n - 1) * 0.5 - floor((n - 1) * 0.5)) * (median_high - median_low)
            as median_s,
        p90_low + ((n - 1) * 0.9 - floor((n - 1) * 0.9)) * (p90_high - p90_low) as p90_s
    from ranked
),

from_tables as (
    select
        k.week_start, k.dimension, k.segment, k.cases, k.resolved_cases, k.sla_met,
        k.sla_breached,
        fr.median_s as first_response_median_s,
        fr.p90_s as first_response_p90_s,
        rs.median_s as resolution_median_s,
        rs.p90_s as resolution_p90_s,
        k.appealed_cases, k.appeal_known_cases, k.overturned_cases, k.decided_appeals
    from kept_counts as k
    left join sketched as fr
        on fr.activity = 'created' and fr.week_start = k.week_start
        and fr.dimension = k.dimension and fr.segment = k.segment
    left join sketched as rs
        on rs.activity = 'resolved' and rs.week_start = k.week_start
        and rs.dimension = k.dimension and rs.segment = k.segment
),

-- by week: the period's whole weeks as kept (exact medians and p90s)
whole_weeks as (
    select
        week_start, dimension, segment, cases, resolved_cases, sla_met, sla_breached,
        first_response_median_s, first_response_p90_s, resolution_median_s, resolution_p90_s,
        appealed_cases, appeal_known_cases, overturned_cases, decided_appeals
    from kpi_weekly
    cross join span
    cross join grain
    where span.is_kept and grain.by_week
      and week_start >= span.first_day and week_start + 6 <= span.last_day
),

-- way 2: the fact table, exact ------------------------------------------------------------------

activity as (
    select
        case when grain.by_week then date_trunc('week', activity_date)::date
             else date '1900-01-01' end as week_start,
        activity, market, abuse_category, source, vendor, language, priority,
        is_sla_met_effective, is_appealed, appeal_outcome,
        -- each row's one duration: a created row's first response, a resolved row's resolution
        case when activity = 'created' then first_response_s else resolution_s end as duration_s
    from fact_case_activity
    cross join grain
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

-- one row per activity row and dimension asked for, with its segment value
split as (
    select
        activity.*,
        dims.dimension,
        case dims.dimension
            when 'market' then market
            when 'abuse_category' then abuse_category
            when 'source' then source
            when 'vendor' then vendor
            when 'language' then language
            when 'priority' then priority
        end as segment_value
    from activity
    cross join dims
),

-- activity in every group, so each group holds one cohort and its quantiles need no FILTER:
-- at 10M cases with one market set, about half the CPU of four FILTERed quantile_cont per group
-- (docs/kpis.md). One quantile_cont with both fractions, not one per fraction: its state holds
-- the group's values once, ~25% less CPU for the mart, same values.
computed as (
    select
        week_start, activity, dimension, segment_value,
        count(*) as activity_rows,
        count(*) filter (where is_sla_met_effective) as sla_met,
        count(*) filter (where not is_sla_met_effective) as sla_breached,
        quantile_cont(duration_s, [0.5, 0.9]) as quantiles_s,   -- median, p90
        count(*) filter (where is_appealed) as appealed_cases,
        count(is_appealed) as appeal_known_cases,
        count(*) filter (where appeal_outcome = 'overturned') as overturned_cases,
        count(*) filter (where appeal_outcome in ('upheld', 'overturned')) as decided_appeals
    from split
    group by week_start, activity, dimension, segment_value
),

-- one row per key: the created cohort's columns beside the resolved cohort's
from_fact as (
    select
        week_start,
        dimension,
        case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
            as segment,
        cast(coalesce(sum(activity_rows) filter (where activity = 'created'), 0) as bigint)
            as cases,
        cast(coalesce(sum(activity_rows) filter (where activity = 'resolved'), 0) as bigint)
            as resolved_cases,
        cast(coalesce(sum(sla_met) filter (where activity = 'resolved'), 0) as bigint) as sla_met,
        cast(coalesce(sum(sla_breached) filter (where activity = 'resolved'), 0) as bigint)
            as sla_breached,
        max(quantiles_s[1]) filter (where activity = 'created') as first_response_median_s,
        max(quantiles_s[2]) filter (where activity = 'created') as first_response_p90_s,
        max(quantiles_s[1]) filter (where activity = 'resolved') as resolution_median_s,
        max(quantiles_s[2]) filter (where activity = 'resolved') as resolution_p90_s,
        cast(coalesce(sum(appealed_cases) filter (where activity = 'resolved'), 0) as bigint)
            as appealed_cases,
        cast(coalesce(sum(appeal_known_cases) filter (where activity = 'resolved'), 0) as bigint)
            as appeal_known_cases,
        cast(coalesce(sum(overturned_cases) filter (where activity = 'resolved'), 0) as bigint)
            as overturned_cases,
        cast(coalesce(sum(decided_appeals) filter (where activity = 'resolved'), 0) as bigint)
            as decided_appeals
    from (
        select
            week_start, activity, dimension, segment_value, activity_rows, sla_met,
            sla_breached, quantiles_s, appealed_cases, appeal_known_cases, overturned_cases,
            decided_appeals
        from computed
        union all   -- by period, the 'all' row exists even for an empty period
        select
            date '1900-01-01' as week_start, null as activity, 'all' as dimension,
            null as segment_value, null as activity_rows, null as sla_met,
            null as sla_breached, null as quantiles_s, null as appealed_cases,
            null as appeal_known_cases, null as overturned_cases, null as decided_appeals
        from grain
        where not grain.by_week
          and not ($markets::varchar[] is null and $categories::varchar[] is null
                   and $sources::varchar[] is null
                   and coalesce(date_trunc('week', $start_date::date + 6)::date,
                                date '1900-01-01') + 6
                       <= coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                   date '9999-12-31'))
    ) as cohorts
    group by week_start, dimension,
             case when dimension = 'all' then 'all' else coalesce(segment_value, '(unknown)') end
),

kpis as (
    select * from from_tables
    union all
    select * from whole_weeks
    union all
    select * from from_fact
),

kpi_rows as (
    select
        week_start,
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
)
