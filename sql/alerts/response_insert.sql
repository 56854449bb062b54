-- Record an acknowledgement or a snooze from the Alerts inbox.
-- Parameters: $segment_key, $alert_key, $action (ack | snooze), $snoozed_until, $responded_by.
insert into alert_responses
values ($segment_key, $alert_key, $action, $snoozed_until::timestamp, $responded_by,
        (now() at time zone 'UTC')::timestamp)
