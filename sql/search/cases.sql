-- search/cases: the latest cases whose summary holds every searched word (or whose case_id
-- holds $case_id_like), newest first, with the case table's columns.
-- Grain: one row per case, at most $limit rows (null = 500).
-- A word matches when it shares a key with a word of the summary (analytics/text/search.py:
-- folded, stemmed, every reading). $terms are the keys of all words, $term_words the word each
-- key belongs to (0-based, same order), $words how many words there are: a text matches when
-- its keys hit every word. Keys are looked up per distinct text (search_terms, sorted by term),
-- then the newest cases carrying a matching text are read from case_search, which holds every
-- column shown (sql/derived/80_case_search.sql says why one table).
-- Parameters (null = all): $start_date, $end_date (on created_date, inclusive), $markets,
-- $categories, $sources, $vendors, $terms, $term_words, $words, $case_id_like, $limit.
with

wanted as (
    select unnest($terms::varchar[]) as term, unnest($term_words::integer[]) as word_no
),

hits as (
    select search_terms.text_hash, wanted.word_no
    from search_terms
    join wanted on search_terms.term = wanted.term
    where list_contains($terms::varchar[], search_terms.term)   -- a pushed-down filter
),

matching_texts as (
    select text_hash
    from hits
    group by text_hash
    having count(distinct word_no) = $words::integer
),

in_filters as not materialized (
    select *
    from case_search
    where ($start_date::date is null or created_date >= $start_date::date)
      and ($end_date::date is null or created_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      and ($vendors::varchar[] is null or list_contains($vendors::varchar[], vendor))
),

-- Two branches, each its own newest-first cut: an OR of both in one scan would stop DuckDB
-- pushing the text join's filter into the scan (every column of every case read).
by_text as (
    select * from in_filters
    where text_hash in (select text_hash from matching_texts)
    order by created_at desc, case_id
    limit coalesce($limit::integer, 500)
),

by_case_id as (
    select * from in_filters
    where $case_id_like::varchar is not null and contains(lower(case_id), $case_id_like::varchar)
    order by created_at desc, case_id
    limit coalesce($limit::integer, 500)
),

final as (
    select * exclude (text_hash)
    from (select * from by_text union select * from by_case_id)
    order by created_at desc, case_id
    limit coalesce($limit::integer, 500)
)

select * from final
