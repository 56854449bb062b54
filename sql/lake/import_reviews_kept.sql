-- import_reviews_kept: the reviews a lake import keeps (analytics/ingest/lake_import.py): the
-- valid rows of the native staging (sql/ingest/native_reviews_stage.sql, run on Spark), the
-- latest version of each review_id as ingest/reviews_classify.sql chooses it (the latest
-- decided_at, a missing one oldest, on a tie the later file by name, then the later row in it),
-- in the columns of the lake's `reviews` with its month partition.
-- Grain: one row per review_id. Parameters: $ingest_id.
with

valid as (select * from native_staged where problems is null),

ranked as (
    select
        *,
        row_number() over (
            partition by review_id order by decided_at desc nulls last, source_file desc, rowid desc
        ) as rank_in_import
    from valid
),

final as (
    select
        review_id, case_id, vendor, reviewer_id, queue, market, language, claimed_at, decided_at,
        decision, is_qa_sampled, is_qa_correct,
        cast(qa_score as double) as qa_score,
        decided_date,
        cast(null as bigint) as row_hash,
        cast($ingest_id as integer) as ingest_id,
        coalesce(strftime(decided_date, '%Y-%m'), 'none') as month
    from ranked
    where rank_in_import = 1
)

select * from final
