-- alert_items: every alert found, with its latest acknowledgement and the latest snooze of its
-- segment (the Alerts inbox and the de-duplication of analytics/alerts/run.py), newest first.
-- Grain: one row per alert_key. Parameters: none.
with

acks as (   -- SQLite: a bare column beside max() comes from the row holding the max
    select alert_key, max(responded_at) as acknowledged_at, responded_by as acknowledged_by
    from alert_responses
    where action = 'ack'
    group by alert_key
),

snoozes as (
    select segment_key, max(snoozed_until) as snoozed_until
    from alert_responses
    where action = 'snooze'
    group by segment_key
)

select items.alert_key, items.kind, items.segment_key, items.title, items.details,
       items.found_at, items.status, items.sent_at, items.attempts, items.last_error,
       acks.acknowledged_at, acks.acknowledged_by, snoozes.snoozed_until
from alert_items as items
left join acks on acks.alert_key = items.alert_key
left join snoozes on snoozes.segment_key = items.segment_key
order by items.found_at desc, items.alert_key
