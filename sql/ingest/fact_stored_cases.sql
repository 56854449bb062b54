-- How many cases the fact table holds now (its 'created' rows). Parameters: none.
select count(*) from fact_case_activity where activity = 'created'
