-- incoming_cases: the session's staging table for one ingest of cases (validated rows only).
-- Grain: one row per valid input row. Columns: the cases table's, plus row_number; no region
-- (stg_cases derives it) and no ingest_id (set when a row is stored). Parameters: none.
create or replace temp table incoming_cases as
with

cases as (select * exclude (region, ingest_id) from main.cases),

final as (select 0::bigint as row_number, * from cases where false)

select * from final
