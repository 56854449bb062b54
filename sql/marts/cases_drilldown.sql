-- cases_drilldown: the latest cases matching the filters, newest first, for the case table.
-- Grain: one row per case, at most $limit rows (null = 500).
-- $search (null = no search) matches case_id or summary, case-insensitive substring.
-- Parameters (null = all): $start_date, $end_date (on created_date, inclusive), $markets,
-- $categories, $sources, $vendors, $search, $limit.
with

cases as (select * from stg_cases),

filtered as (
    select *
    from cases
    where ($start_date::date is null or created_date >= $start_date::date)
      and ($end_date::date is null or created_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      and ($vendors::varchar[] is null or list_contains($vendors::varchar[], vendor))
      and ($search::varchar is null
           or contains(lower(case_id), lower($search::varchar))
           or contains(lower(summary), lower($search::varchar)))
),

final as (
    select
        case_id,
        created_at,
        created_date,
        market,
        language,
        abuse_category,
        source,
        priority,
        status,
        queue,
        vendor,
        outcome,
        sla_due_effective_at,
        is_sla_met_effective,
        sla_basis,
        first_response_s,
        resolution_s,
        is_appealed,
        appeal_outcome,
        summary
    from filtered
    order by created_at desc, case_id
    limit coalesce($limit::integer, 500)
)

select * from final
