-- fact_changes: the activity rows of touched cases as stored before this ingest, with sign -1
-- (their contribution leaves the cubes). fact_changes_new.sql appends the new rows with sign +1.
-- Grain: one row per touched case_id x activity x version. Parameters: none (reads
-- fact_touched_rowids, made in the same transaction).
create or replace temp table fact_changes as
select -1 as sign, *
from fact_case_activity
where rowid in (select row_id from fact_touched_rowids)
