-- business_intervals_lookup: stg_business_intervals_lookup kept as a table, so that reading the
-- business clock (stg_cases_business_time, rebuilt into case_business_time by every ingest of
-- cases) is a hash join into stored rows, not a rebuild of ~250k buckets from ~100k intervals
-- (0.7 s quiet, 2-5 s under load) on every ingest, however few cases it holds. The lookup depends on the calendars alone
-- (sql/schema/07, 09; config files in the schema fingerprint): the writer's full derived build,
-- which a changed calendar triggers, refills it (sql/derived/11_business_intervals_lookup.sql).
-- Created empty here because the staging views read it and DuckDB binds a view to existing tables.
-- Grain and columns: as stg_business_intervals_lookup.
-- Parameters: none.
create table if not exists business_intervals_lookup (
    lookup varchar,
    market varchar,
    k bigint,
    q_start_at timestamp,
    q_clock_start_s bigint,
    q_length_s bigint,
    p_start_at timestamp,
    p_clock_start_s bigint,
    p_length_s bigint,
    origin_us bigint,
    width bigint,
    last_k bigint
);
