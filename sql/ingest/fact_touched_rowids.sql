-- fact_touched_rowids: where the touched cases' rows stand in fact_case_activity, found by reading
-- the case_id column alone; fact_changes_old.sql and fact_delete_touched.sql then read and delete
-- those rows by row id instead of scanning every column of every row (a third of the time at 1M).
-- Row ids hold within a transaction: analytics/ingest/aggregates.py runs the three statements in
-- one. Grain: one row per fact row of a touched case. Parameters: none.
create or replace temp table fact_touched_rowids as
select rowid as row_id
from fact_case_activity
where case_id in (select case_id from touched_cases)
