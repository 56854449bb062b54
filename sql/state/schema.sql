-- App state (analytics/state.py): what people and jobs record about a dataset, kept apart from
-- its case data in `<db stem>.state.sqlite` beside the case database. SQLite (WAL): several
-- processes (app server, alert job, watcher) write it safely; a write never touches the case
-- file, so it never changes `db.data_version` nor invalidates a cached mart or stored result.
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'; booleans 0/1.

-- state_meta: 'version' (bumped by every write transaction: the app's caches key on it),
-- 'migrated' and 'migrated watched_files' (records copied once from the case database's old
-- tables; watched_files moved here later than the others, so it has its own mark).
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

-- Files `python -m analytics ingest --watch DIR` has handled (analytics/ingest/watch.py), so each
-- export is loaded once per content, even after a restart or a kill: one row per (path, sha256);
-- a changed file (new sha256) is new. status:
--   loading  ingest `ingest_id` of this file was in its writer transaction (written just before
--            the case file's commit): the watcher settles it on its next look, by whether the
--            case database's `ingests` holds that id with this sha256 (then ok) or not (loaded
--            again). Never a final state.
--   ok       loaded by ingest `ingest_id`.
--   failed   set aside: could not be read at all, or met a bug (`message` says why); not
--            retried until the file's content changes.
create table if not exists watched_files (
    path          text not null,      -- absolute
    file_sha256   text not null,
    status        text not null,      -- loading | ok | failed
    ingest_id     integer,            -- the case database's ingest (null when failed)
    message       text,               -- why it failed
    processed_at  text not null,      -- UTC
    primary key (path, file_sha256)
);
