-- Append the new activity rows of touched cases (fact_new_rows) to fact_changes with sign +1.
-- Parameters: none.
insert into fact_changes by name
select 1 as sign, * from fact_new_rows
