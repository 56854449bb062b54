-- Alerts (issue 6, analytics/alerts.py): what was found, what was sent, and people's answers.
-- alert_items: one row per alert (a spike event or an emerging trend), keyed by a stable id;
-- status pending (not yet delivered: sent on the next run) | sent | suppressed (cool-down of its
-- segment, or acknowledged/snoozed when found). segment_key groups alerts for cool-down.
create table if not exists alert_items (
    alert_key     varchar primary key,   -- 'spike:<event_id>' | 'trend:<segment or term>'
    kind          varchar not null,      -- spike | trend
    segment_key   varchar not null,
    title         varchar not null,
    details       varchar not null,      -- JSON: observed, expected, since, drivers, link
    found_at      timestamp not null,    -- UTC, first run that found it
    status        varchar not null,
    sent_at       timestamp,
    attempts      integer not null default 0,
    last_error    varchar
);
-- alert_sends: every delivery attempt (the webhook is logged as host + hash: its path is a secret).
create table if not exists alert_sends (
    attempted_at  timestamp not null,
    webhook       varchar not null,
    payload       varchar not null,      -- slack | teams | generic
    alert_keys    varchar not null,      -- JSON list
    attempt       integer not null,
    http_status   integer,
    ok            boolean not null,
    error         varchar
);
-- alert_responses: acknowledge (no more alerts for that alert) or snooze (its segment is quiet
-- until snoozed_until), from the Alerts inbox.
create table if not exists alert_responses (
    segment_key   varchar not null,
    alert_key     varchar,
    action        varchar not null,      -- ack | snooze
    snoozed_until timestamp,
    responded_by  varchar,
    responded_at  timestamp not null
);
