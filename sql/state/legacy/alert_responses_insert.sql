-- One old alert_responses row into the state store (SQLite; analytics/state.py `_migrate`), in
-- the column order of legacy/alert_responses.sql. Positional parameters.
insert or ignore into alert_responses (
    segment_key, alert_key, action, snoozed_until, responded_by, responded_at)
values (?, ?, ?, ?, ?, ?)
