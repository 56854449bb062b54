-- One row per ingest run (CLI, upload or demo): what was read and what happened to every row.
-- rows_read = rows_inserted + rows_updated + rows_unchanged + rows_superseded + rows_rejected.
create table if not exists ingests (
    ingest_id        integer primary key,
    kind             varchar not null,     -- cases | reviews
    file_name        varchar not null,
    file_sha256      varchar,
    mapping_name     varchar,
    started_at       timestamp not null,   -- UTC
    finished_at      timestamp,            -- UTC
    rows_read        bigint default 0,
    rows_inserted    bigint default 0,
    rows_updated     bigint default 0,
    rows_unchanged   bigint default 0,
    rows_superseded  bigint default 0,
    rows_rejected    bigint default 0,
    duration_s       double,
    status           varchar not null       -- ok | failed
);
