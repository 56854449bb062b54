-- cube_hourly_merged: the new counts of the cells this ingest touched: their stored counts in
-- cube_cases_hourly plus the signed changes (cube_hourly_changes). Only the touched cells are read and
-- written again (cube_hourly_delete_touched.sql, cube_hourly_insert_touched.sql), so an ingest
-- costs its cells, not the cube. Grain: one row per touched cell. Parameters: none.
create or replace temp table cube_hourly_merged as
with

stored as (
    select cube.*
    from cube_cases_hourly as cube
    semi join cube_hourly_changes as changes
      on
-- include: fragments/cube_hourly_cell_match
),

combined as (
    select * from stored
    union all by name
    select * from cube_hourly_changes
),

final as (
    select
        local_hour, created_date, market, abuse_category, source,
        sum(cases)::bigint as cases
    from combined
    group by all
)

select * from final
