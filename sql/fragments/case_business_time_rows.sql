-- case_business_time_rows: the rows of case_business_time (the business-time SLA clock per
-- case, with the case columns the vendor marts group and filter on), shared by the from-scratch
-- build (sql/derived/20_case_business_time.sql, every case) and an ingest's re-insert of the
-- cases it touched (sql/ingest/clock_insert_touched.sql), on DuckDB and on Spark. Columns as
-- stg_cases_business_time defines them, plus closed_date (the market-local date the case's
-- clock stopped, as stg_cases_activity). Parameters: none.
select
    case_id,
    vendor,
    queue,
    market,
    priority,
    abuse_category,
    source,
    language,
    created_at,
    resolved_at,
    is_resolved,
    created_date,
    case when is_resolved then coalesce(resolved_date, created_date) end as closed_date,
    reopen_count,
    appeal_outcome,
    is_business_time,
    calendar_market,
    created_clock_s,
    sla_due_business_at,
    sla_due_clock_s,
    first_response_business_s,
    resolution_business_s,
    is_sla_met_business
from stg_cases_business_time
