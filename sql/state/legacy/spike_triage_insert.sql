-- One old spike_triage row into the state store (SQLite; analytics/state.py `_migrate`), in
-- the column order of legacy/spike_triage.sql. Positional parameters.
insert or ignore into spike_triage (
    event_id, verdict, owner, note, metric, segment, start_at, updated_at)
values (?, ?, ?, ?, ?, ?, ?, ?)
