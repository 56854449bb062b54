-- kpi_by_segment_week: kpi_by_segment per week, for trend lines.
-- Grain: one row per week_start x dimension x segment. week_start is the Monday of the week the
-- activity fell in: the created_date week for cases and first response, the week the clock
-- stopped for resolved cases, SLA, resolution time and appeals. is_complete_week is false for a
-- week that reaches past the last complete day (data_freshness), so a partial week is no dip.
-- Dimensions and segments as kpi_by_segment ('all' is the whole week, for the trend line).
-- Read the two ways of kpi_by_segment (docs/kpis.md): with no market, category or source
-- filter and a whole week in the period, from the tables kept at ingest: the whole weeks from
-- kpi_weekly, exact (quantile_cont), the weeks the period cuts from kpi_daily and
-- kpi_sketch_daily (quantiles within 1% of quantile_cont); otherwise from fact_case_activity,
-- exact.
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

whole_weeks as (
    select kpi_weekly.*
    from kpi_weekly
    cross join span
    where span.is_kept and week_start >= span.first_day and week_start + 6 <= span.last_day
),

cut_counts as (
    select
        date_trunc('week', activity_date)::date as week_start, dimension, segment,
        sum(cases)::bigint as cases,
        sum(resolved_cases)::bigint as resolved_cases,
        sum(sla_met)::bigint as sla_met,
        sum(sla_breached)::bigint as sla_breached,
        sum(appealed_cases)::bigint as appealed_cases,
        sum(appeal_known_cases)::bigint as appeal_known_cases,
        sum(overturned_cases)::bigint as overturned_cases,
        sum(decided_appeals)::bigint as decided_appeals
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
    group by all
),

buckets as (
    select
        date_trunc('week', activity_date)::date as week_start,
        activity, dimension, segment, bucket,
        sum(values_in_bucket)::bigint as values_in_bucket
    from kpi_sketch_daily
    cross join span
    where span.is_kept
      and ($start_date::date is null or activity_date >= $start_date::date)
      and ($end_date::date is null or activity_date <= $end_date::date)
      and (activity_date < coalesce(date_trunc('week', $start_date::date + 6)::date,
                                    date '1900-01-01')
           or activity_date > coalesce(date_trunc('week', $end_date::date + 1)::date - 1,
                                       date '9999-12-31'))
    group by all
),

totals as (
    select week_start, activity, dimension, segment, sum(values_in_bucket)::bigint as n
    from buckets
    group by all
),

walked as (
    select
        week_start, activity, dimension, segment,
        case when bucket < 0 then 0.0 else 2 * pow(1.02, bucket + 1) / 2.02 end as value_s,
        (sum(values_in_bucket) over (partition by week_start, activity, dimension, segment
                                     order by bucket
                                     rows between unbounded preceding and current row))::bigint
            as through_rank   -- values in this bucket and below
    from buckets
),

-- as kpi_by_segment: the order statistics quantile_cont interpolates between, from their buckets
ranked as (
    select
        week_start, activity, dimension, segment,
        any_value(n) as n,
        min(value_s) filter (where through_rank > floor((n - 1) * 0.5)) as median_low,
        min(value_s) filter (where through_rank > ceil((n - 1) * 0.5)) as median_high,
        min(value_s) filter (where through_rank > floor((n - 1) * 0.9)) as p90_low,
        min(value_s) filter (where through_rank > ceil((n - 1) * 0.9)) as p90_high
    from walked
    join totals using (week_start, activity, dimension, segment)
    group by week_start, activity, dimension, segment
),

sketched as (
    select
        week_start, activity, dimension, segment,
        median_low + ((n - 1) * 0.5 - floor((n - 1) * 0.5)) * (median_high - median_low)
            as median_s,
        p90_low + ((n - 1) * 0.9 - floor((n - 1) * 0.9)) * (p90_high - p90_low) as p90_s
    from ranked
),

cut_weeks as (
    select
        k.*,
        fr.median_s as first_response_median_s,
        fr.p90_s as first_response_p90_s,
        rs.median_s as resolution_median_s,
        rs.p90_s as resolution_p90_s
    from cut_counts as k
    left join sketched as fr
        on fr.activity = 'created' and fr.week_start = k.week_start
        and fr.dimension = k.dimension and fr.segment = k.segment
    left join sketched as rs
        on rs.activity = 'resolved' and rs.week_start = k.week_start
        and rs.dimension = k.dimension and rs.segment = k.segment
),

-- way 2: the fact table, exact ------------------------------------------------------------------

activity as (
    select
        date_trunc('week', activity_date)::date as week_start,
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

-- activity in every grouping set: one cohort per group, so its quantiles need no FILTER; one
-- quantile_cont with both fractions holds the values once (kpi_by_segment.sql)
computed as (
    select
        week_start,
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
        (week_start, activity, market), (week_start, activity, abuse_category),
        (week_start, activity, source), (week_start, activity, vendor),
        (week_start, activity, language), (week_start, activity, priority),
        (week_start, activity)
    )
),

-- one row per week x dimension x segment: the created cohort's columns beside the resolved's
from_fact as (
    select
        week_start,
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
    from computed
    group by all
),

kpis as (
    select * from from_fact
    union all by name
    select * from whole_weeks
    union all by name
    select * from cut_weeks
),

last_complete as (select min(current_case_date) - 1 as last_complete_date from market_clock),

final as (
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
        100.0 * overturned_cases / nullif(decided_appeals, 0) as overturn_rate_pct,
        week_start + 6 <= last_complete_date as is_complete_week
    from kpis
    cross join last_complete
    order by week_start, dimension, segment
)

select * from final
