-- watched_file: the watcher's record of one file's content, if any (analytics/ingest/watch.py).
-- Grain: one row per (path, file_sha256), here zero or one. Parameters: $path, $file_sha256.
select path, file_sha256, status, ingest_id, message, processed_at
from watched_files
where path = $path and file_sha256 = $file_sha256
