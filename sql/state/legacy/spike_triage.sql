-- Old records: spike_triage as code before the app-state store kept it in the case database
-- (DuckDB; read once by analytics/state.py `_migrate`). Parameters: none.
select
    event_id, verdict, owner, note, metric, segment, start_at, updated_at
from spike_triage
