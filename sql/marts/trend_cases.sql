-- trend_cases: the cases trend detection reads, as they were created in a window of days.
-- Grain: one row per case created between $start_date and $end_date (market-local created_date,
-- inclusive); unordered (detection sorts what it needs).
-- Parameters: $start_date, $end_date (DATE; null = no bound).
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
        summary
    from cases
    where ($start_date::date is null or created_date >= $start_date::date)
      and ($end_date::date is null or created_date <= $end_date::date)
)

select * from final
