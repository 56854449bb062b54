-- rejected_rows: quarantined input rows with the reason, for one ingest or all.
-- Grain: one row per rejected row (and column at fault), newest ingest first, at most $limit.
-- Parameters: $ingest_id (null = every ingest), $limit (null = 1000).
with

rejected as (select * from main.rejected_rows),

final as (
    select *
    from rejected
    where $ingest_id::integer is null or ingest_id = $ingest_id::integer
    order by ingest_id desc, row_number, column_name
    limit coalesce($limit::integer, 1000)
)

select * from final
