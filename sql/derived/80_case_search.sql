-- case_search: the case table's row of every case (fact_case_activity's created row, SLA columns
-- resolved) with its summary and the hash of its text (summary and language), newest first;
-- search_terms: the search keys of each distinct text (analytics/text/search.py).
-- A search looks its words' keys up in search_terms (sorted by term: a few row groups), then
-- picks the newest cases whose text_hash matched from case_search: the hash join's filter is
-- pushed into this one scan and, sorted newest first, the top-N stops reading old row groups
-- early; nothing else is joined. Summaries repeat (templates), so keys are kept per text.
-- Grain: one row per case (case_search); one row per distinct text x key (search_terms).
-- Two statements. case_search is built from the fact table and cases by every write that
-- rebuilds derived tables (the rows: sql/fragments/case_search_rows.sql); an ingest of cases
-- deletes and re-inserts the rows of the cases it touched (sql/ingest/case_search_*.sql; they
-- are appended unsorted) or, when it rebuilds the fact table, rebuilds it too
-- (analytics/ingest/aggregates.py).
-- search_terms is only ever added to, in Python (analytics/text/search_index.py: the stemmers
-- are Python), right after each ingest: a key belongs to a text, never to a case, so a stored
-- row is never wrong, and a text no case holds any more matches nothing. Parameters: none.
create or replace table case_search as
select *
from (
-- include: fragments/case_search_rows
) as case_rows
order by created_at desc;

create table if not exists search_terms (text_hash ubigint, term varchar);
