-- Store the surviving row of every inserted or updated case. Parameters: $ingest_id.
insert into main.cases by name
with

incoming as (select * from incoming_cases),

outcomes as (select * from ingest_outcomes where outcome in ('inserted', 'updated')),

final as (
    select i.* exclude (row_number), $ingest_id::integer as ingest_id
    from incoming as i
    join outcomes as o using (row_number)
)

select * from final
