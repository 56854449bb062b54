-- import_cases_kept: the cases a lake import keeps (analytics/ingest/lake_import.py): the valid
-- rows of the native staging (sql/ingest/native_cases_stage.sql, run on Spark), the latest
-- version of each case_id, as the ingest's classify step chooses it (ingest/cases_classify.sql:
-- the latest updated_at, a missing one oldest, on a tie the later row: here the later file by
-- name, then the later row in it), in the columns of the lake's `cases` with its month partition.
-- Grain: one row per case_id. Parameters: $ingest_id.
with

valid as (select * from native_staged where problems is null),

ranked as (
    select
        *,
        row_number() over (
            partition by case_id order by updated_at desc nulls last, source_file desc, rowid desc
        ) as rank_in_import
    from valid
),

final as (
    select
        case_id, created_at, updated_at, first_response_at, resolved_at, sla_due_at,
        first_response_due_at, status, market,
        cast(null as varchar) as region,
        language, abuse_category, source, priority, queue, vendor, outcome, is_appealed,
        appeal_outcome, summary, surface,
        cast(reopen_count as integer) as reopen_count,
        is_sla_met, created_date, resolved_date,
        cast(null as bigint) as row_hash,
        cast($ingest_id as integer) as ingest_id,
        coalesce(strftime(created_date, '%Y-%m'), 'none') as month
    from ranked
    where rank_in_import = 1
)

select * from final
