-- Remove the cells this ingest touched from cube_cases_daily (cube_daily_insert_touched.sql
-- puts their new counts back). Parameters: none.
delete from cube_cases_daily as cube
using cube_daily_changes as changes
where
-- include: fragments/cube_daily_cell_match
