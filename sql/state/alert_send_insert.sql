-- Log one delivery attempt. Parameters: $attempted_at, $webhook, $payload, $alert_keys (JSON),
-- $attempt, $http_status, $ok, $error.
insert into alert_sends
    (attempted_at, webhook, payload, alert_keys, attempt, http_status, ok, error)
values ($attempted_at, $webhook, $payload, $alert_keys, $attempt, $http_status, $ok, $error)
