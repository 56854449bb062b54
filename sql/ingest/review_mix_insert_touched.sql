-- Add the review_case_mix rows of the touched cases' reviews as reviews and cases now stand,
-- through the query of the from-scratch build (sql/fragments/review_case_mix_rows.sql).
-- Parameters: none.
insert into review_case_mix by name
select *
from (
-- include: fragments/review_case_mix_rows
) as mix
where case_id in (select case_id from touched_cases)
