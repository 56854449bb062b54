-- case_business_time: every case's business-time SLA clock, with the case columns the vendor
-- marts group and filter on, materialised once per write.
-- Grain: one row per case (case_id), every case in main.cases.
-- This file is the from-scratch build (a new file, changed code, calendar or SLA policy, a
-- purge); an ingest of cases deletes and re-inserts the rows of the cases it touched, through
-- the same query (sql/fragments/case_business_time_rows.sql, sql/ingest/clock_*.sql), so readers
-- never recompute the clock joins of stg_cases_business_time (0.4-0.8 s per query at 300k
-- cases; scanning this table: milliseconds) and an ingest pays for its own cases only.
-- tests/sql/test_incremental_derived.py checks that both give the same rows.
-- Business columns as stg_cases_business_time defines them: is_business_time, calendar_market,
-- created_clock_s, sla_due_business_at, sla_due_clock_s, first_response_business_s,
-- resolution_business_s, is_sla_met_business.
-- closed_date: the market-local date the case's clock stopped (as stg_cases_activity).
-- The case-mix cells' SLA attainment is a table of its own (35_case_mix_cells.sql): stored per
-- case, one case's new verdict changed the row of every case of its cell.
-- Parameters: none.
create or replace table case_business_time as
select *
from (
-- include: fragments/case_business_time_rows
) as clocks
-- by market, then day: the vendor marts' one-market reads skip the other row groups
-- (vendor_backlog_as_of 0.10 -> 0.04 s at 10M; the sort costs ~12 s of a 10M rebuild); rows an
-- ingest adds are appended unsorted
order by market, created_date
