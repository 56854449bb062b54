-- Add the business-clock rows of every touched case as main.cases now holds it, through the
-- query of the from-scratch build (sql/fragments/case_business_time_rows.sql), so both give the
-- same rows. Cost: the touched cases. Parameters: none.
insert into case_business_time by name
select *
from (
-- include: fragments/case_business_time_rows
) as clocks
where case_id in (select case_id from touched_cases)
