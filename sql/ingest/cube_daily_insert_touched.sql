-- Put the touched cells' new counts (cube_daily_merged) into cube_cases_daily; cells whose count
-- reached 0 stay out, so the cube equals a from-scratch build (sql/derived/50_cube_cases_daily.sql;
-- tests/sql/test_aggregates.py). Rows are appended unsorted. Parameters: none.
insert into cube_cases_daily by name
select * from cube_daily_merged
where cases <> 0
