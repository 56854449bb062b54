-- ingest_outcomes: what happens to every staged case row. Grain: one row per staged row.
-- Within the file the latest updated_at per case_id survives (a missing updated_at is oldest;
-- on a tie the later row in the file wins); the others are 'superseded'. The survivor is
-- 'inserted' (new case), 'superseded' (older than the stored state), 'unchanged' (same hash)
-- or 'updated'. Parameters: none (reads incoming_cases and cases).
create or replace temp table ingest_outcomes as
with

incoming as (select row_number, case_id, updated_at, row_hash from incoming_cases),

-- the stored rows of the ids in the file only: the window then sorts those, not every row
stored as (
    select case_id, updated_at, row_hash
    from main.cases
    where case_id in (select case_id from incoming_cases)
    qualify row_number() over (partition by case_id order by updated_at desc nulls last) = 1
),

ranked as (
    select
        *,
        row_number() over (
            partition by case_id order by updated_at desc nulls last, row_number desc
        ) as rank_in_file
    from incoming
),

final as (
    select
        r.row_number,
        r.case_id as record_key,
        case
            when r.rank_in_file > 1 then 'superseded'
            when s.case_id is null then 'inserted'
            when coalesce(r.updated_at, '-infinity'::timestamp)
                 < coalesce(s.updated_at, '-infinity'::timestamp) then 'superseded'
            when r.row_hash = s.row_hash then 'unchanged'
            else 'updated'
        end as outcome
    from ranked as r
    left join stored as s using (case_id)
)

select * from final
