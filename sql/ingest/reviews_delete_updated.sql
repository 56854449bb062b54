-- Remove the stored state of every review this ingest updates. Parameters: none.
delete from main.reviews
where review_id in (select record_key from ingest_outcomes where outcome = 'updated')
