-- new_texts: the distinct texts (summary, language) of cases that search_terms holds no key of
-- yet, for analytics/text/search_index.py to compute their keys. A text without a word comes
-- back every time (it has no key to store): there are few, and they cost nothing.
-- Grain: one row per distinct text. Parameters: none.
with

indexed as (select distinct text_hash from search_terms),

texts as (
    select distinct text_hash, summary, language
    from case_search
    where text_hash not in (select text_hash from indexed)
),

final as (select * from texts)

select * from final
