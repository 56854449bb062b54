-- Save (insert or replace) the triage verdict of one spike event.
-- Parameters: $event_id, $verdict, $owner, $note, $metric, $segment (JSON text), $start_at.
insert or replace into spike_triage
    (event_id, verdict, owner, note, metric, segment, start_at, updated_at)
values ($event_id, $verdict, $owner, $note, $metric, $segment, $start_at,
        strftime('%Y-%m-%d %H:%M:%f', 'now'))
