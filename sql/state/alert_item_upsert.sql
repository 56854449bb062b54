-- Insert or update one alert item after a run (analytics/alerts/run.py).
-- Parameters: $alert_key, $kind, $segment_key, $title, $details (JSON), $found_at, $status,
-- $sent_at, $attempts, $last_error.
insert into alert_items
    (alert_key, kind, segment_key, title, details, found_at, status, sent_at, attempts, last_error)
values ($alert_key, $kind, $segment_key, $title, $details, $found_at, $status, $sent_at,
        $attempts, $last_error)
on conflict (alert_key) do update set
    title = excluded.title, details = excluded.details, status = excluded.status,
    sent_at = excluded.sent_at, attempts = excluded.attempts, last_error = excluded.last_error
