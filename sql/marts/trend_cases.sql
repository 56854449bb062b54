-- trend_cases: the cases trend detection reads, as they were created in a window of days.
-- Grain: one row per case created between $start_date and $end_date (market-local created_date,
-- inclusive); unordered (detection sorts what it needs).
-- The summary text itself is read once per distinct summary (trend_summaries.sql): a case carries
-- `summary_key`, a hash of its summary, so millions of cases do not ship thousands of repeated
-- texts. `summary` is the text only when $with_summary (the fallback if two summaries of the
-- window ever share a hash), else null.
-- Parameters: $start_date, $end_date (DATE; null = no bound), $with_summary (BOOLEAN).
with

cases as (select * from main.cases),

final as (
    select
        case_id,
        created_at,
        created_date,
        market,
        abuse_category,
        source,
        language,
        hash(summary) as summary_key,
        case when $with_summary::boolean then summary end as summary
    from cases
    where ($start_date::date is null or created_date >= $start_date::date)
      and ($end_date::date is null or created_date <= $end_date::date)
)

select * from final
