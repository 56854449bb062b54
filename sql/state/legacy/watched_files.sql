-- Old records: watched_files as code before the app-state store kept it in the case database
-- (DuckDB; read once by analytics/state.py `_migrate`). Parameters: none.
select path, file_sha256, status, ingest_id, message, processed_at
from watched_files
