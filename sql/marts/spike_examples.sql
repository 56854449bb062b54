-- spike_examples: example cases behind a spike: the segment's cases created during the event.
-- Grain: one row per case, newest first, at most $limit rows; the summary second (pages show it
-- wrapped beside the id, not after ten columns).
-- Parameters: $market, $category, $source (segment; null = all), $start_date, $end_date
-- (market-local created dates, inclusive), $limit.
with

cases as (select * from main.cases),  -- raw columns only: no SLA resolution needed

final as (
    select case_id, summary, created_at, created_date, market, abuse_category, source, language,
           queue, vendor, surface, priority, status
    from cases
    where ($market::varchar is null or coalesce(market, '(unknown)') = $market::varchar)
      and ($category::varchar is null or coalesce(abuse_category, '(unknown)') = $category::varchar)
      and ($source::varchar is null or coalesce(source, '(unknown)') = $source::varchar)
      and created_date between $start_date::date and $end_date::date
    order by created_at desc, case_id
    limit $limit
)

select * from final
