-- Vendor review log: one row per review decision. Timestamps UTC; decided_date market-local.
create table if not exists reviews (
    review_id      varchar not null,
    case_id        varchar,
    vendor         varchar,
    reviewer_id    varchar,   -- pseudonymous
    queue          varchar,
    market         varchar,
    language       varchar,
    claimed_at     timestamp,
    decided_at     timestamp,
    decision       varchar,
    is_qa_sampled  boolean,
    is_qa_correct  boolean,
    qa_score       double,    -- 0..100
    decided_date   date,      -- market-local
    row_hash       ubigint,
    ingest_id      integer
);
