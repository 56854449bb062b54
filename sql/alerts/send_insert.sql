-- Log one delivery attempt. Parameters: $attempted_at, $webhook, $payload, $alert_keys (JSON),
-- $attempt, $http_status, $ok, $error.
insert into alert_sends
values ($attempted_at::timestamp, $webhook, $payload, $alert_keys, $attempt, $http_status, $ok,
        $error)
