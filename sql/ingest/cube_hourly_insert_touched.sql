-- Put the touched cells' new counts (cube_hourly_merged) into cube_cases_hourly; cells whose count
-- reached 0 stay out, so the cube equals a from-scratch build (sql/derived/51_cube_cases_hourly.sql;
-- tests/sql/test_aggregates.py). Rows are appended unsorted. Parameters: none.
insert into cube_cases_hourly by name
select * from cube_hourly_merged
where cases <> 0
