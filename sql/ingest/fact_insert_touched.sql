-- Add the activity rows of every touched case (fact_new_rows). Parameters: none.
insert into fact_case_activity by name
select * from fact_new_rows
