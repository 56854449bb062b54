-- Canonical cases: one row per escalated case, latest known state. Timestamps are UTC;
-- *_date columns are market-local dates (data/calendars.toml), derived at ingest.
create table if not exists cases (
    case_id               varchar not null,
    created_at            timestamp,
    updated_at            timestamp,
    first_response_at     timestamp,
    resolved_at           timestamp,
    sla_due_at            timestamp,
    first_response_due_at timestamp,
    status                varchar,   -- open | pending | resolved | closed
    market                varchar,   -- ISO 3166-1 alpha-2, subdivision code or label
    region                varchar,   -- derived from market where known
    language              varchar,   -- ISO 639-1
    abuse_category        varchar,
    source                varchar,   -- user_report | regulator | legal | advertiser | business_partner | internal
    priority              varchar,   -- P0..P3
    queue                 varchar,
    vendor                varchar,
    outcome               varchar,
    is_appealed           boolean,
    appeal_outcome        varchar,   -- upheld | overturned | pending
    summary               varchar,
    surface               varchar,
    reopen_count          integer,
    is_sla_met            boolean,   -- as exported; null when the export carries no flag
    created_date          date,      -- market-local
    resolved_date         date,      -- market-local
    row_hash              ubigint,   -- hash of the canonical columns, to tell updated from unchanged
    ingest_id             integer
);
