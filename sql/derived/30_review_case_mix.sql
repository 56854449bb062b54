-- review_case_mix: every vendor review with its case's mix cell and the cell's mean handle time
-- over every vendor's whole history, materialised once per write for vendor_mix_adjusted.
-- Grain: one row per review that has a vendor, a handle time and a case in main.cases.
-- A cell is priority x abuse_category x source x market x language of the case (a missing value
-- is a value of its own); cell_handle_time_s = mean handle time (calendar seconds) of the cell.
-- market is the case's market (what the Vendors page's market filter applies to).
-- Parameters: none.
create or replace table review_case_mix as
with

reviews as (
    select
        r.vendor,
        r.decided_date,
        r.handle_time_s,
        c.priority, c.abuse_category, c.source, c.market, c.language
    from stg_reviews as r
    join main.cases as c using (case_id)
    where r.vendor is not null and r.handle_time_s is not null
),

final as (
    select
        vendor,
        decided_date,
        market,
        handle_time_s,
        avg(handle_time_s) over (partition by priority, abuse_category, source, market, language)
            as cell_handle_time_s
    from reviews
)

select * from final
