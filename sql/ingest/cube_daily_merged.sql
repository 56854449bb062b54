-- cube_daily_merged: the new counts of the cells this ingest touched: their stored counts in
-- cube_cases_daily plus the signed changes (cube_daily_changes). Only the touched cells are read and
-- written again (cube_daily_delete_touched.sql, cube_daily_insert_touched.sql), so an ingest
-- costs its cells, not the cube. Grain: one row per touched cell. Parameters: none.
create or replace temp table cube_daily_merged as
with

stored as (
    select cube.*
    from cube_cases_daily as cube
    semi join cube_daily_changes as changes
      on
-- include: fragments/cube_daily_cell_match
),

combined as (
    select * from stored
    union all by name
    select * from cube_daily_changes
),

final as (
    select
        activity, activity_date, market, region, abuse_category, source, language,
        sum(cases)::bigint as cases,
        sum(resolved_cases)::bigint as resolved_cases,
        sum(sla_met)::bigint as sla_met,
        sum(sla_breached)::bigint as sla_breached
    from combined
    group by all
)

select * from final
