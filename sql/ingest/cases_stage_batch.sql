-- Append one validated batch (registered as `batch_rows`) to incoming_cases, with its row hash.
-- row_hash covers every canonical column (not the derived dates), cast to the stored types, so
-- an identical row hashes identically whatever file format it came from. Parameters: none.
insert into incoming_cases by name
with

batch as (select * from batch_rows),

final as (
    select
        row_number::bigint as row_number,
        * exclude (row_number, created_date, resolved_date),
        created_date::date as created_date,
        resolved_date::date as resolved_date,
        hash(
            case_id::varchar, created_at::timestamp, updated_at::timestamp,
            first_response_at::timestamp, resolved_at::timestamp, sla_due_at::timestamp,
            first_response_due_at::timestamp, status::varchar, market::varchar,
            language::varchar, abuse_category::varchar, source::varchar, priority::varchar,
            queue::varchar, vendor::varchar, outcome::varchar, is_appealed::boolean,
            appeal_outcome::varchar, summary::varchar, surface::varchar,
            reopen_count::integer, is_sla_met::boolean
        ) as row_hash
    from batch
)

select * from final
