-- search_new_texts_touched: sql/search/new_texts.sql for an ingest that maintained case_search
-- incrementally: the distinct texts (summary, language) of the cases it touched that
-- search_terms holds no key of yet. Every other case's text was indexed by the ingest that
-- brought it (a text without a word has no key either way), so this finds what new_texts would,
-- reading the touched cases instead of every case. Grain: one row per distinct text.
-- Parameters: none.
with

touched as (
    select text_hash, summary, language
    from case_search
    where case_id in (select case_id from touched_cases)
),

final as (
    select distinct text_hash, summary, language
    from touched
    where text_hash not in (select distinct text_hash from search_terms)
)

select * from final
