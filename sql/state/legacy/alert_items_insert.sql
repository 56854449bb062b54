-- One old alert_items row into the state store (SQLite; analytics/state.py `_migrate`), in
-- the column order of legacy/alert_items.sql. Positional parameters.
insert or ignore into alert_items (
    alert_key, kind, segment_key, title, details, found_at, status, sent_at, attempts,
    last_error)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
