-- ingest_outcomes for reviews: as cases_classify, keyed on review_id, versioned by decided_at.
-- Grain: one row per staged row. Parameters: none (reads incoming_reviews and reviews).
create or replace temp table ingest_outcomes as
with

incoming as (select row_number, review_id, decided_at, row_hash from incoming_reviews),

-- the stored rows of the ids in the file only: the window then sorts those, not every row
stored as (
    select review_id, decided_at, row_hash
    from main.reviews
    where review_id in (select review_id from incoming_reviews)
    qualify row_number() over (partition by review_id order by decided_at desc nulls last) = 1
),

ranked as (
    select
        *,
        row_number() over (
            partition by review_id order by decided_at desc nulls last, row_number desc
        ) as rank_in_file
    from incoming
),

final as (
    select
        r.row_number,
        r.review_id as record_key,
        case
            when r.rank_in_file > 1 then 'superseded'
            when s.review_id is null then 'inserted'
            when coalesce(r.decided_at, '-infinity'::timestamp)
                 < coalesce(s.decided_at, '-infinity'::timestamp) then 'superseded'
            when r.row_hash = s.row_hash then 'unchanged'
            else 'updated'
        end as outcome
    from ranked as r
    left join stored as s using (review_id)
)

select * from final
