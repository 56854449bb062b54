-- spike_examples: example cases behind a spike: the segment's cases created during the event,
-- or, for an SLA breach-rate event ($cohort 'breaches'), its cases whose clock stopped during the
-- event past their SLA.
-- Grain: one row per case, newest first, at most $limit rows; the summary second (pages show it
-- wrapped beside the id, not after ten columns).
-- Parameters: $market, $category, $source (segment; null = all), $start_date, $end_date
-- (market-local dates, inclusive), $limit, $cohort ('cases' or 'breaches').
with

cases as (select * from main.cases),  -- raw columns only: no SLA resolution needed

final as (
    select case_id, summary, created_at, created_date, market, abuse_category, source, language,
           queue, vendor, surface, priority, status
    from cases
    where ($market::varchar is null or coalesce(market, '(unknown)') = $market::varchar)
      and ($category::varchar is null or coalesce(abuse_category, '(unknown)') = $category::varchar)
      and ($source::varchar is null or coalesce(source, '(unknown)') = $source::varchar)
      and case when $cohort::varchar = 'breaches'
               then case_id in (
                   select case_id from fact_case_activity
                   where activity = 'resolved' and not is_sla_met_effective
                     and activity_date between $start_date::date and $end_date::date)
               else created_date between $start_date::date and $end_date::date end
    order by created_at desc, case_id
    limit $limit
)

select * from final
