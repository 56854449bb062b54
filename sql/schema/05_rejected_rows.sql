-- Quarantine: every input row that was not stored, with where and why.
create table if not exists rejected_rows (
    ingest_id    integer not null,
    file_name    varchar not null,
    row_number   bigint,     -- 1-based data row in the source file (header excluded)
    column_name  varchar,    -- source column at fault, null when the whole row is at fault
    value        varchar,
    reason       varchar not null,
    raw_record   varchar     -- the row as read, JSON
);
