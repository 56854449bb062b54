-- new_texts: the distinct texts (summary, language) of cases that search_terms has no key of
-- yet, for analytics/text/search_index.py to compute their keys. A text with no word at all
-- comes back every time (it has no key to store): there are few, and they cost nothing.
-- Grain: one row per distinct text. Parameters: none.
with

indexed as (select distinct text_hash from search_terms),

texts as (
    select distinct case_search.text_hash, cases.summary, cases.language
    from case_search
    join main.cases using (case_id)
    where case_search.text_hash not in (select text_hash from indexed)
),

final as (select * from texts)

select * from final
