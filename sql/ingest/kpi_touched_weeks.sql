-- kpi_touched_weeks: the run of weeks whose KPI rows this ingest may have changed: from the first
-- to the last week an activity of a touched case fell in, before (sign -1) or after (sign +1) the
-- upsert (fact_changes). The weeks between are recomputed too (same rows): one range keeps the
-- recomputation a range scan. Grain: one row (first_day: a Monday, last_day: a Sunday; nulls when
-- nothing was touched). Parameters: none.
create or replace temp table kpi_touched_weeks as
select
    min(date_trunc('week', activity_date))::date as first_day,
    max(date_trunc('week', activity_date))::date + 6 as last_day
from fact_changes
