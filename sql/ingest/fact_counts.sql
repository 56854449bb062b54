-- How many cases the fact table holds now (its 'created' rows) and how many this ingest touches
-- (touched_cases): aggregates.plan_cases rebuilds instead of maintaining when the share is large.
-- Parameters: none.
select
    (select count(*) from fact_case_activity where activity = 'created') as stored,
    (select count(*) from touched_cases) as touched
