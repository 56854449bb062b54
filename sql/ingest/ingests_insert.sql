-- Record one finished ingest run. rows_read = inserted + updated + unchanged + superseded + rejected.
-- Parameters: one per column.
insert into main.ingests (
    ingest_id, kind, file_name, file_sha256, mapping_name, started_at, finished_at,
    rows_read, rows_inserted, rows_updated, rows_unchanged, rows_superseded, rows_rejected,
    duration_s, status
)
select
    $ingest_id, $kind, $file_name, $file_sha256, $mapping_name, $started_at, $finished_at,
    $rows_read, $rows_inserted, $rows_updated, $rows_unchanged, $rows_superseded, $rows_rejected,
    $duration_s, 'ok'
