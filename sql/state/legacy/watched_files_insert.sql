-- One old watched_files row into the state store (SQLite; analytics/state.py `_migrate`), in
-- the column order of legacy/watched_files.sql. Positional parameters.
insert or ignore into watched_files (path, file_sha256, status, ingest_id, message, processed_at)
values (?, ?, ?, ?, ?, ?)
