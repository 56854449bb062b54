-- business_intervals: stg_business_intervals materialised once per write, so that reading the
-- business clock at one moment (vendor_backlog_as_of's as-of time) is a lookup, not a rebuild
-- of ~100k intervals with a running total on every query.
-- Grain: one row per market x working day; columns as stg_business_intervals.
-- Parameters: none.
create or replace table business_intervals as
with

intervals as (select * from stg_business_intervals),

final as (select * from intervals order by market, start_at)

select * from final
