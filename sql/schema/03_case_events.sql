-- Every raw row that arrived for a case, mapped to canonical columns, so history can be rebuilt
-- (backlog as of a past date, reopens, pending time). Re-loading the same row adds nothing.
create table if not exists case_events (
    ingest_id             integer not null,
    row_number            bigint not null,   -- 1-based data row in the source file
    case_id               varchar not null,
    created_at            timestamp,
    updated_at            timestamp,
    first_response_at     timestamp,
    resolved_at           timestamp,
    sla_due_at            timestamp,
    first_response_due_at timestamp,
    status                varchar,
    market                varchar,
    language              varchar,
    abuse_category        varchar,
    source                varchar,
    priority              varchar,
    queue                 varchar,
    vendor                varchar,
    outcome               varchar,
    is_appealed           boolean,
    appeal_outcome        varchar,
    summary               varchar,
    surface               varchar,
    reopen_count          integer,
    is_sla_met            boolean,
    row_hash              ubigint
);
