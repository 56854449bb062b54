-- incoming_reviews: the session's staging table for one ingest of reviews (validated rows only).
-- Grain: one row per valid input row. Parameters: none.
create or replace temp table incoming_reviews as
with

reviews as (select * exclude (ingest_id) from main.reviews),

final as (select 0::bigint as row_number, * from reviews where false)

select * from final
