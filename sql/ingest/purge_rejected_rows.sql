-- Retention: quarantined rows keep the raw record (personal data), so delete those of ingests
-- started before $before. Parameters: $before (date).
delete from main.rejected_rows
where ingest_id in (select ingest_id from main.ingests where started_at < $before::date)
