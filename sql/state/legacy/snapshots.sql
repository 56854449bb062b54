-- Old records: snapshots as code before the app-state store kept it in the case database
-- (DuckDB; read once by analytics/state.py `_migrate`). Parameters: none.
select
    snapshot_id, page, title, made_by, made_at, filters, include_examples, data_as_of,
    html_path, html_sha256, files, png_note
from snapshots
