-- Record (insert or replace) what the watcher did with one file's content: loading | ok | failed
-- (sql/state/schema.sql says what each means). Parameters: $path, $file_sha256, $status,
-- $ingest_id, $message.
insert or replace into watched_files
    (path, file_sha256, status, ingest_id, message, processed_at)
values ($path, $file_sha256, $status, $ingest_id, $message, strftime('%Y-%m-%d %H:%M:%f', 'now'))
