-- Quarantine one batch of problems (registered as `rejected_batch`: row_number, column_name,
-- value, reason, raw_record). Parameters: $ingest_id, $file_name.
insert into main.rejected_rows
with

batch as (select * from rejected_batch),

final as (
    select
        $ingest_id::integer as ingest_id,
        $file_name::varchar as file_name,
        row_number::bigint as row_number,
        column_name::varchar as column_name,
        value::varchar as value,
        reason::varchar as reason,
        raw_record::varchar as raw_record
    from batch
)

select * from final
