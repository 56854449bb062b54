-- Remove the activity rows of every touched case (fact_insert_touched.sql adds their new state).
-- Parameters: none.
delete from fact_case_activity
where case_id in (select case_id from touched_cases)
