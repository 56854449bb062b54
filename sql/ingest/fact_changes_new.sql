-- Append the new activity rows of touched cases to fact_changes with sign +1.
-- Parameters: none.
insert into fact_changes by name
select 1 as sign, *
from fact_case_activity
where case_id in (select case_id from touched_cases)
