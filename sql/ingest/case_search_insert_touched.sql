-- Add the case_search rows of every touched case as the fact table and cases now hold it, through
-- the query of the from-scratch build (sql/fragments/case_search_rows.sql), so both give the same
-- rows. Cost: the touched cases. Parameters: none.
insert into case_search by name
select *
from (
-- include: fragments/case_search_rows
) as case_rows
where case_id in (select case_id from touched_cases)
