-- Remove the business-clock rows of every touched case (clock_insert_touched.sql adds their new
-- state). Parameters: none.
delete from case_business_time
where case_id in (select case_id from touched_cases)
