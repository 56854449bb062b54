-- review_case_mix: every vendor review with its case's mix cell, materialised once per write for
-- vendor_mix_adjusted, which joins each review's cell to its mean handle time
-- (35_case_mix_cells.sql).
-- Grain: one row per review that has a vendor, a handle time and a case in main.cases.
-- A cell is priority x abuse_category x source x market x language of the case (a missing value
-- is a value of its own). market is the case's market (what the Vendors page's market filter
-- applies to). This file is the from-scratch build; an ingest of cases deletes and re-inserts the
-- rows of the reviews of the cases it touched through the same query
-- (sql/fragments/review_case_mix_rows.sql, sql/ingest/review_mix_*.sql); an ingest of reviews
-- rebuilds it. tests/sql/test_incremental_derived.py checks that both agree.
-- Parameters: none.
create or replace table review_case_mix as
select *
from (
-- include: fragments/review_case_mix_rows
) as mix
