-- Old records: alert_items as code before the app-state store kept it in the case database
-- (DuckDB; read once by analytics/state.py `_migrate`). Parameters: none.
select
    alert_key, kind, segment_key, title, details, found_at, status, sent_at, attempts,
    last_error
from alert_items
