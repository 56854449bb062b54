-- review_case_mix_rows: the rows of review_case_mix (every vendor review with a handle time and
-- its case's mix cell), shared by the from-scratch build (sql/derived/30_review_case_mix.sql)
-- and an ingest's re-insert of the reviews of the cases it touched
-- (sql/ingest/review_mix_insert_touched.sql), on DuckDB and on Spark. market is the case's
-- market (what the Vendors page's market filter applies to). Parameters: none.
select
    r.case_id,
    r.vendor,
    r.decided_date,
    c.market,
    r.handle_time_s,
    c.priority, c.abuse_category, c.source, c.language
from stg_reviews as r
join main.cases as c using (case_id)
where r.vendor is not null and r.handle_time_s is not null
