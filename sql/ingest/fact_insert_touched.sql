-- Add the activity rows of every touched case as main.cases now holds it (the same columns as
-- sql/derived/40_fact_case_activity.sql). Parameters: none.
insert into fact_case_activity by name
select * exclude (summary)
from stg_cases_activity
where case_id in (select case_id from touched_cases)
