-- cube_hourly_changes: this ingest's signed contributions to cube_cases_hourly (the 'created'
-- rows of fact_changes), through the from-scratch build's query (sql/fragments/cube_hourly_cells.sql).
-- Grain: one row per touched cell. Parameters: none.
create or replace temp table cube_hourly_changes as
with

created as (
    select sign, created_at, created_date, market, abuse_category, source
    from fact_changes
    where activity = 'created' and created_at is not null
),

final as (
-- include: fragments/cube_hourly_cells
)

select * from final
