-- Drop the temp table that hid main.cases during the incremental inserts
-- (touched_cases_shadow.sql). Parameters: none.
drop table temp.main.cases
