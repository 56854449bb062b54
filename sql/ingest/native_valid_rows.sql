-- The valid staged rows as `batch_rows`, the relation <kind>_stage_batch.sql appends to the
-- staging table, so the row hash comes from the same SQL as on the pandas path. (A view of
-- native_staged in place of the staging table saved this copy but made classify and upsert,
-- which read it three times, 4x slower: bench/ingest_speed.py.)
-- Grain: one row per valid data row. Parameters: none.
create or replace temp view batch_rows as
with

offset_rows as (select n from native_offset),

staged as (
    select rowid + 1 + (select n from offset_rows) as row_number, *
    from native_staged
),

final as (select * exclude (problems, raw_record, odd_values) from staged where problems is null)

select * from final
