-- spike_drivers: what a spike is made of. For one segment, counts per sub-segment value
-- (source, language, queue, vendor, surface, abuse_category, market) during the event and during
-- the baseline period before it, so the caller can compare the share of the excess with the
-- usual share. What is counted is the event's metric's cohort: created cases (a case-count or a
-- first-response event), or SLA breaches on the day their clock stopped (an SLA breach-rate
-- event, whose observed and expected values are breaches).
-- Grain: one row per dimension × value seen in either period.
-- Parameters: $market, $category, $source (segment; null = all), $start_date, $end_date (the
-- event's market-local dates, inclusive), $baseline_start, $baseline_end (the usual period),
-- $cohort ('cases' or 'breaches').
with

cases as (
    select activity_date as activity_day, source, language, queue, vendor, surface,
           abuse_category, market
    from fact_case_activity
    where case when $cohort::varchar = 'breaches'
               then activity = 'resolved' and not is_sla_met_effective
               else activity = 'created' end
),

segment as (
    select activity_day, source, language, queue, vendor, surface, abuse_category, market
    from cases
    where ($market::varchar is null or coalesce(market, '(unknown)') = $market::varchar)
      and ($category::varchar is null or coalesce(abuse_category, '(unknown)') = $category::varchar)
      and ($source::varchar is null or coalesce(source, '(unknown)') = $source::varchar)
      and activity_day between $baseline_start::date and $end_date::date
),

long as (
    unpivot (
        select
            activity_day,
            coalesce(source, '(unknown)') as source,
            coalesce(language, '(unknown)') as language,
            coalesce(queue, '(unknown)') as queue,
            coalesce(vendor, '(unknown)') as vendor,
            coalesce(surface, '(unknown)') as surface,
            coalesce(abuse_category, '(unknown)') as abuse_category,
            coalesce(market, '(unknown)') as market
        from segment
    )
    on source, language, queue, vendor, surface, abuse_category, market
    into name dimension value value
),

final as (
    select
        dimension,
        value,
        count(*) filter (where activity_day between $start_date::date and $end_date::date)
            as event_cases,
        count(*) filter (where activity_day between $baseline_start::date and $baseline_end::date)
            as baseline_cases
    from long
    group by dimension, value
    order by dimension, event_cases desc
)

select * from final
