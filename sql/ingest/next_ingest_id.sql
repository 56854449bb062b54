-- The id the next ingest gets (run inside the writer, so no two ingests race). Parameters: none.
with

ingests as (select ingest_id from main.ingests),

final as (select coalesce(max(ingest_id), 0) + 1 as ingest_id from ingests)

select * from final
