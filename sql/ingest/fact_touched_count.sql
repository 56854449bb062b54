-- How many cases this ingest touches (touched_cases). Parameters: none.
select count(*) from touched_cases
