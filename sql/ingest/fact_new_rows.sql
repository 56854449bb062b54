-- fact_new_rows: the activity rows of every touched case as main.cases now holds it (the same
-- columns as sql/derived/40_fact_case_activity.sql), computed once for fact_insert_touched.sql and
-- fact_changes_new.sql (which read it rather than scan the fact table for them).
-- Grain: one row per touched case_id x activity. Parameters: none.
create or replace temp table fact_new_rows as
select * exclude (summary)
from stg_cases_activity
where case_id in (select case_id from touched_cases)
