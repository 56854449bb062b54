-- cases_drilldown: the latest cases matching the filters, newest first, for the case table.
-- Grain: one row per case, at most $limit rows (null = 500).
-- $search (null = no search) matches case_id or summary, case-insensitive substring.
-- Parameters (null = all): $start_date, $end_date (on created_date, inclusive), $markets,
-- $categories, $sources, $vendors, $search, $limit.
with

cases as (select * from main.cases),

facts as (select * from fact_case_activity where activity = 'created'),

-- The filters and the newest-first cut run on the raw table (zone maps, a top-N); only the
-- chosen rows pick up the SLA columns from the fact table. Joining on the created date too lets
-- DuckDB push the chosen rows' date range into the fact scan (row groups of other days are
-- skipped): at 10M cases 0.15 s instead of 0.4-2 s.
latest as (
    select case_id, created_at, created_date, summary
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
    order by created_at desc, case_id
    limit coalesce($limit::integer, 500)
),

final as (
    select
        latest.case_id,
        latest.created_at,
        facts.created_date,
        facts.market,
        facts.language,
        facts.abuse_category,
        facts.source,
        facts.priority,
        facts.status,
        facts.queue,
        facts.vendor,
        facts.outcome,
        facts.sla_due_effective_at,
        facts.is_sla_met_effective,
        facts.sla_basis,
        facts.first_response_s,
        facts.resolution_s,
        facts.is_appealed,
        facts.appeal_outcome,
        latest.summary
    from latest
    join facts
        on facts.case_id = latest.case_id and facts.activity_date = latest.created_date
    order by latest.created_at desc, latest.case_id
)

select * from final
