-- The quarantined rows of one ingest, for the CSV download. Grain: one row per problem.
-- Parameters: $ingest_id.
with

rejected as (select * from main.rejected_rows where ingest_id = $ingest_id),

final as (
    select row_number, column_name, value, reason, raw_record, file_name, ingest_id
    from rejected
    order by row_number, column_name
)

select * from final
