-- business_intervals_lookup: the bucketed business-clock lookup (stg_business_intervals_lookup),
-- materialised once per full derived build (a new file, or changed code or calendars), for
-- stg_cases_business_time to join into (sql/schema/18_business_intervals_lookup.sql says why).
-- Grain: one row per calendar market x lookup x bucket k, sorted so.
-- Parameters: none.
create or replace table business_intervals_lookup as
with

lookup as (select * from stg_business_intervals_lookup),

final as (select * from lookup order by lookup, market, k)

select * from final
