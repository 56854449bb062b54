-- touched_cases: the cases this ingest inserts or updates, whose rows in fact_case_activity and
-- whose contributions to the cubes change. Grain: one row per case_id.
-- Parameters: none (reads ingest_outcomes, as cases_classify left it).
create or replace temp table touched_cases as
select distinct record_key as case_id
from ingest_outcomes
where outcome in ('inserted', 'updated')
