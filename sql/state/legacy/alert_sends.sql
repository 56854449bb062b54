-- Old records: alert_sends as code before the app-state store kept it in the case database
-- (DuckDB; read once by analytics/state.py `_migrate`). Parameters: none.
select
    attempted_at, webhook, payload, alert_keys, attempt, http_status, ok, error
from alert_sends
