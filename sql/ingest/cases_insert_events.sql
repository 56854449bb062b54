-- Add every valid case row to case_events, once per (case_id, row_hash, updated_at): re-loading
-- a file, or a file repeating a row, adds nothing. Parameters: $ingest_id.
insert into main.case_events by name
with

incoming as (select * exclude (created_date, resolved_date) from incoming_cases),

first_copy as (
    select *
    from incoming
    qualify row_number() over (
        partition by case_id, row_hash, updated_at order by row_number
    ) = 1
),

-- the stored events of the cases in the file only (not every case's history)
stored as (
    select case_id, row_hash, updated_at
    from main.case_events
    where case_id in (select case_id from incoming)
),

new_events as (
    select f.*
    from first_copy as f
    anti join stored as e
      on e.case_id = f.case_id
     and e.row_hash = f.row_hash
     and e.updated_at is not distinct from f.updated_at
),

final as (select *, $ingest_id::integer as ingest_id from new_events)

select * from final
