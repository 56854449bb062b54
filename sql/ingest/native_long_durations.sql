-- Valid case rows resolved more than a year (365 days) after they were created: kept, but the
-- report counts them (validate.long_durations). Grain: one row. Parameters: none.
with

valid as (select created_at, resolved_at from native_staged where problems is null),

final as (
    select count(*) as long_durations
    from valid
    where epoch_us(resolved_at) - epoch_us(created_at) > 365 * 86400 * 1000000::bigint
)

select * from final
