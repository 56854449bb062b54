-- Append one validated batch (registered as `batch_rows`) to incoming_reviews, with its row hash
-- over every canonical column cast to the stored types. Parameters: none.
insert into incoming_reviews by name
with

batch as (select * from batch_rows),

final as (
    select
        row_number::bigint as row_number,
        * exclude (row_number, decided_date),
        decided_date::date as decided_date,
        hash(
            review_id::varchar, case_id::varchar, vendor::varchar, reviewer_id::varchar,
            queue::varchar, market::varchar, language::varchar, claimed_at::timestamp,
            decided_at::timestamp, decision::varchar, is_qa_sampled::boolean,
            is_qa_correct::boolean, qa_score::double
        ) as row_hash
    from batch
)

select * from final
