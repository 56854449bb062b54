-- A temp view `fact_case_activity` over fact_new_rows (the touched cases' new activity rows, just
-- inserted into the table): on this connection it hides the table, so the case search's re-insert
-- (case_search_insert_touched.sql, the from-scratch build's query) reads those rows instead of
-- scanning the fact table's 20M rows at 10M cases for them (6.95 s of a 10M update). The insert
-- keeps its own filter, so the rows are the same either way. Dropped right after
-- (touched_facts_unshadow.sql; analytics/ingest/aggregates.py). Parameters: none.
create temp view fact_case_activity as
select * from fact_new_rows
