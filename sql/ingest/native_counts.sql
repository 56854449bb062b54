-- Rows read and rows rejected by the native staging. Grain: one row. Parameters: none.
with

staged as (select problems from native_staged),

final as (
    select count(*) as rows_read, count(*) filter (where problems is not null) as rows_rejected
    from staged
)

select * from final
