-- Old records: alert_responses as code before the app-state store kept it in the case database
-- (DuckDB; read once by analytics/state.py `_migrate`). Parameters: none.
select
    segment_key, alert_key, action, snoozed_until, responded_by, responded_at
from alert_responses
