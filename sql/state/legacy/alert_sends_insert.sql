-- One old alert_sends row into the state store (SQLite; analytics/state.py `_migrate`), in
-- the column order of legacy/alert_sends.sql. Positional parameters.
insert or ignore into alert_sends (
    attempted_at, webhook, payload, alert_keys, attempt, http_status, ok, error)
values (?, ?, ?, ?, ?, ?, ?, ?)
