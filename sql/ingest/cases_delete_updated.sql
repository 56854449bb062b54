-- Remove the stored state of every case this ingest updates (cases_upsert inserts the new one).
-- Parameters: none (reads ingest_outcomes).
delete from main.cases
where case_id in (select record_key from ingest_outcomes where outcome = 'updated')
