-- How many staged rows got each outcome. Grain: one row per outcome. Parameters: none.
with

outcomes as (select * from ingest_outcomes),

final as (select outcome, count(*) as row_count from outcomes group by outcome)

select * from final
