-- App state (analytics/state.py): what people and jobs record about a dataset, kept apart from
-- its case data in `<db stem>.state.sqlite` beside the case database. SQLite (WAL): several
-- processes (app server, alert job, watcher) write it safely; a write never touches the case
-- file, so it never changes `db.data_version` nor invalidates a cached mart or stored result.
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'; booleans 0/1.

-- state_meta: 'version' (bumped by every write transaction: the app's caches key on it) and
-- 'migrated' (records copied once from the case database's old tables).
create table if not exists state_meta (
    key   text primary key,
    value text not null
);
insert or ignore into state_meta values ('version', '0');

-- Triage verdicts on spike events (the Spikes page): one row per event, the latest wins.
create table if not exists spike_triage (
    event_id    text primary key,   -- the detector's stable id
    verdict     text not null,      -- confirmed | false_positive | expected
    owner       text,
    note        text,
    metric      text,
    segment     text,               -- the event's segment as JSON
    start_at    text,               -- the event's first bucket (market-local)
    updated_at  text not null
);

-- Alerts (analytics/alerts/run.py): one row per alert; status pending | sent | snoozed | suppressed.
create table if not exists alert_items (
    alert_key     text primary key,
    kind          text not null,
    segment_key   text not null,
    title         text not null,
    details       text not null,    -- JSON
    found_at      text not null,
    status        text not null,
    sent_at       text,
    attempts      integer not null default 0,
    last_error    text
);

-- Every delivery attempt (the webhook as host + hash: its path is a secret).
create table if not exists alert_sends (
    attempted_at  text not null,
    webhook       text not null,
    payload       text not null,
    alert_keys    text not null,    -- JSON list
    attempt       integer not null,
    http_status   integer,
    ok            integer not null,
    error         text
);

-- Acknowledgements (of one alert) and snoozes (of its segment) from the Alerts inbox.
create table if not exists alert_responses (
    segment_key   text not null,
    alert_key     text,
    action        text not null,    -- ack | snooze
    snoozed_until text,
    responded_by  text,
    responded_at  text not null
);

-- Snapshots made: who made which frozen view, when, with what filters, the HTML's SHA-256.
create table if not exists snapshots (
    snapshot_id      text primary key,
    page             text not null,
    title            text not null,
    made_by          text,
    made_at          text not null,
    filters          text not null,   -- JSON
    include_examples integer not null,
    data_as_of       text,
    html_path        text not null,
    html_sha256      text not null,
    files            text not null,   -- JSON list
    png_note         text
);
