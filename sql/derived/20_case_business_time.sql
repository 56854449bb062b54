-- case_business_time: every case's business-time SLA clock, with the case columns the vendor
-- marts group and filter on, materialised once per write.
-- Grain: one row per case (case_id), every case in main.cases.
-- Rebuilt by the writer after the data changed (analytics/db.py `build_derived` runs every
-- sql/derived/*.sql file at the end of each db.writer block), so a new ingest, a changed calendar
-- or SLA policy is applied by the next write, and readers never recompute the ASOF joins of
-- stg_cases_business_time (0.4-0.8 s per query at 300k cases; scanning this table: milliseconds).
-- Business columns as stg_cases_business_time defines them: is_business_time, calendar_market,
-- created_clock_s, sla_due_business_at, sla_due_clock_s, first_response_business_s,
-- resolution_business_s, is_sla_met_business.
-- closed_date: the market-local date the case's clock stopped (as stg_cases_activity).
-- cell_sla_met_rate: the case-mix cell's SLA attainment (0-1) over every vendor's whole history,
-- a cell being priority x abuse_category x source x market x language (a missing value is a
-- value of its own); null for cases without a verdict. vendor_mix_adjusted reads it.
-- Parameters: none.
create or replace table case_business_time as
with

clocks as (
    select
        *,
        vendor is not null and is_resolved and is_sla_met_business is not null as has_verdict
    from stg_cases_business_time
),

final as (
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
        is_sla_met_business,
        case when has_verdict then
            avg(is_sla_met_business::int) filter (where has_verdict)
                over (partition by priority, abuse_category, source, market, language)
        end as cell_sla_met_rate
    from clocks
)

select * from final
