-- Distinct values the native staging did not read because they are in a format its patterns
-- do not cover; native.py asks pandas about them. Grain: one row per column and value.
-- Parameters: none.
with

odd as (select unnest(odd_values) as odd from native_staged where odd_values is not null),

final as (select distinct odd.column_name, odd.value from odd)

select * from final
