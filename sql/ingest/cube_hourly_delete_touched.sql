-- Remove the cells this ingest touched from cube_cases_hourly (cube_hourly_insert_touched.sql
-- puts their new counts back). Parameters: none.
delete from cube_cases_hourly as cube
using cube_hourly_changes as changes
where
-- include: fragments/cube_hourly_cell_match
