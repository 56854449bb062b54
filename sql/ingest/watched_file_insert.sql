-- Record a file the watcher handled (in the same writer transaction as its ingest, so a crash
-- cannot record it without loading it, or load it without recording it).
-- Parameters: $path, $file_sha256, $status, $ingest_id, $message.
insert or replace into main.watched_files
select
    $path::varchar as path,
    $file_sha256::varchar as file_sha256,
    $status::varchar as status,
    $ingest_id::integer as ingest_id,
    $message::varchar as message,
    (now() at time zone 'UTC')::timestamp as processed_at
