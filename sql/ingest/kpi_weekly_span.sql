-- kpi_weekly_span: the Mondays-to-Sundays span of the fact table's activity, for the
-- from-scratch fill of kpi_weekly (sql/ingest/kpi_weekly_fill.sql). One row; nulls when empty.
-- Parameters: none.
select
    min(date_trunc('week', activity_date))::date as first_day,
    max(date_trunc('week', activity_date))::date + 6 as last_day
from fact_case_activity
