-- alert_items: every alert found, with its latest acknowledgement and snooze (the Alerts inbox
-- and the de-duplication of analytics/alerts.py).
-- Grain: one row per alert_key. Parameters: none.
with

items as (select * from main.alert_items),

acks as (
    select alert_key, max(responded_at) as acknowledged_at, arg_max(responded_by, responded_at) as acknowledged_by
    from main.alert_responses
    where action = 'ack'
    group by alert_key
),

snoozes as (
    select segment_key, max(snoozed_until) as snoozed_until
    from main.alert_responses
    where action = 'snooze'
    group by segment_key
),

final as (
    select items.*, acks.acknowledged_at, acks.acknowledged_by, snoozes.snoozed_until
    from items
    left join acks using (alert_key)
    left join snoozes using (segment_key)
    order by found_at desc, alert_key
)

select * from final
