-- stg_reviews: one row per review decision, with handle time (claimed -> decided, calendar
-- seconds). A negative or missing handle time (no claim, clock skew) is null, not zero.
create or replace view stg_reviews as
with

reviews as (select * from main.reviews),

final as (
    select
        *,
        case when claimed_at <= decided_at then date_diff('second', claimed_at, decided_at) end
            as handle_time_s
    from reviews
)

select * from final
