-- case_search: each case's filter columns and the hash of the text its search keys come from
-- (summary and language), so a search reads the keys of each distinct text once (search_terms)
-- and then only small columns of the cases, not their summaries.
-- Grain: one row per case (case_search); one row per distinct text x key (search_terms).
-- Two statements. case_search is rebuilt from cases by every write that rebuilds derived tables
-- and after every ingest of cases (analytics/ingest/aggregates.py). search_terms is only ever
-- added to, in Python (analytics/text/search_index.py: the stemmers are Python), right after
-- each ingest: a key belongs to a text, never to a case, so an older row is never wrong; a text
-- no case holds any more simply matches nothing. Sorted by created_at, newest-first searches cut
-- early. Parameters: none.
create or replace table case_search as
with

cases as (
    select case_id, created_at, created_date, market, abuse_category, source, vendor,
           hash(summary, language) as text_hash
    from main.cases
    where summary is not null
),

final as (select * from cases order by created_at)

select * from final;

create table if not exists search_terms (text_hash ubigint, term varchar);
