-- Files `python -m analytics ingest --watch DIR` has handled, so each export is ingested once,
-- even after a restart: one row per (path, sha256). A changed file (new sha256) is new.
create table if not exists watched_files (
    path          varchar not null,
    file_sha256   varchar not null,
    status        varchar not null,   -- ok | failed (the file could not be read at all)
    ingest_id     integer,            -- the ingest that loaded it (null when failed)
    message       varchar,            -- why it failed
    processed_at  timestamp not null, -- UTC
    primary key (path, file_sha256)
);
