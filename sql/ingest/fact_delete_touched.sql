-- Remove the activity rows of every touched case (fact_insert_touched.sql adds their new state),
-- by the row ids fact_touched_rowids.sql found in the same transaction. Parameters: none.
delete from fact_case_activity
where rowid in (select row_id from fact_touched_rowids)
