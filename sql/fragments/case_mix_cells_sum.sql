-- case_mix_cells_sum: case_mix_cells' rows from `counts` (cell keys and the four counts, any
-- number of rows per cell): summed per cell, cells left with no verdict and no review dropped,
-- each rate their ratio. The tail of a `with counts as (...)` query, shared by the from-scratch
-- build (sql/derived/35_case_mix_cells.sql) and an ingest's merge of its signed changes
-- (sql/ingest/case_mix_cells_merge.sql), so both give the same rows. Parameters: none.
select
    *,
    met_cases::double / nullif(verdict_cases, 0) as cell_sla_met_rate,
    handle_time_sum_s::double / nullif(reviews, 0) as cell_handle_time_s
from (
    select
        priority, abuse_category, source, market, language,
        sum(verdict_cases)::bigint as verdict_cases,
        sum(met_cases)::bigint as met_cases,
        sum(reviews)::bigint as reviews,
        sum(handle_time_sum_s)::bigint as handle_time_sum_s
    from counts
    group by priority, abuse_category, source, market, language
) as summed
where verdict_cases <> 0 or reviews <> 0
order by market, priority, abuse_category, source, language
