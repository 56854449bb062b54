-- Forget the quarantined rows an ingest has written so far (its transaction goes on): the native
-- path met, part-way through a large CSV, something only the pandas path can judge, and the
-- pandas path reads the whole file again. Grain: deletes rows. Parameters: $ingest_id.
delete from main.rejected_rows
where ingest_id = $ingest_id
