-- Record an acknowledgement or a snooze from the Alerts inbox.
-- Parameters: $segment_key, $alert_key, $action (ack | snooze), $snoozed_until, $responded_by.
insert into alert_responses
    (segment_key, alert_key, action, snoozed_until, responded_by, responded_at)
values ($segment_key, $alert_key, $action, $snoozed_until, $responded_by,
        strftime('%Y-%m-%d %H:%M:%f', 'now'))
