-- Triage verdicts on spike events (the Spikes page): one row per event, the latest verdict wins.
-- event_id is the detector's stable id (a hash of metric, grain, segment and start).
create table if not exists spike_triage (
    event_id    varchar primary key,
    verdict     varchar not null,   -- confirmed | false_positive | expected
    owner       varchar,
    note        varchar,
    metric      varchar,
    segment     varchar,            -- the event's segment as JSON, for post-mortems
    start_at    timestamp,          -- the event's first bucket (market-local)
    updated_at  timestamp not null  -- UTC
);
