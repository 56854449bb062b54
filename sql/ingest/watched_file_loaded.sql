-- Whether ingest $ingest_id loaded this content: the watcher's check of a file it recorded as
-- `loading` in the app-state store (sql/state/schema.sql watched_files) when a kill came
-- between that record and the case file's commit, or after the commit and before its `ok`.
-- Grain: one row. Parameters: $ingest_id, $file_sha256.
with

loaded as (
    select ingest_id
    from main.ingests
    where ingest_id = $ingest_id and file_sha256 = $file_sha256
),

final as (select count(*) > 0 as is_loaded from loaded)

select * from final
