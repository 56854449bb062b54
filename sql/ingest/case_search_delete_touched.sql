-- Remove the case_search rows of every touched case (case_search_insert_touched.sql adds their
-- new state). Parameters: none.
delete from case_search
where case_id in (select case_id from touched_cases)
