-- ingest_history: every ingest run, newest first (the Data page's history table).
-- Grain: one row per ingest. No parameters.
with

ingests as (select * from main.ingests),

final as (
    select *
    from ingests
    order by started_at desc, ingest_id desc
)

select * from final
