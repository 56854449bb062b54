-- kpi_by_segment: the kpi_summary KPIs split by one dimension at a time.
-- Grain: one row per dimension x segment; dimension is market, abuse_category, source, vendor,
-- language, priority, or 'all' (segment 'all', the whole period). A missing segment value is
-- '(unknown)'. Cohorts as kpi_summary: cases and first response on created_date; resolved cases,
-- SLA, resolution time and appeals on the date the clock stopped.
-- The KPIs are computed by sql/fragments/kpi_periods.sql, shared with kpi_summary and
-- kpi_by_segment_week (the two ways to the same rows, tables kept at ingest or the fact table,
-- are described there and in docs/kpis.md).
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources.
with

grain as (select false as by_week, false as all_only),

-- include: fragments/kpi_periods

select
    dimension, segment, cases, resolved_cases, sla_met, sla_breached, sla_attainment_pct,
    first_response_median_s, first_response_p90_s, resolution_median_s, resolution_p90_s,
    appealed_cases, overturned_cases, decided_appeals, appeal_rate_pct, overturn_rate_pct
from kpi_rows
order by dimension, cases desc, segment
