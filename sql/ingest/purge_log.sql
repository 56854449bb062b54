-- The ingest log's entry for a purge: kind 'purge', what was removed in file_name, zero counts
-- (nothing was read). Parameters: $ingest_id, $description, $started_at, $duration_s.
insert into main.ingests (
    ingest_id, kind, file_name, started_at, finished_at, duration_s, status
)
select
    $ingest_id,
    'purge',
    $description,
    $started_at,
    (now() at time zone 'UTC')::timestamp,
    $duration_s,
    'ok'
