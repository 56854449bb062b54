-- watched_files: every file the watcher handled, by path (tests, and whoever asks what the
-- watch folder did). Grain: one row per (path, file_sha256). Parameters: none.
select path, file_sha256, status, ingest_id, message, processed_at
from watched_files
order by path, processed_at
