-- trend_summaries: each distinct case summary of a window of created dates, with its hash.
-- Grain: one row per distinct summary (null included) of the cases created between $start_date
-- and $end_date (market-local created_date, inclusive); trend_cases.sql gives each case the key.
-- Parameters: $start_date, $end_date (DATE; null = no bound).
with

cases as (select * from main.cases),

windowed as (
    select summary
    from cases
    where ($start_date::date is null or created_date >= $start_date::date)
      and ($end_date::date is null or created_date <= $end_date::date)
),

final as (
    select distinct hash(summary) as summary_key, summary
    from windowed
)

select * from final
