-- Memory cap for rebuilding derived tables inside an ingest (sql/derived/, analytics/ingest/
-- aggregates.py): the business-clock ASOF joins fail rather than spill below ~512 MB on 10M
-- cases (bench/big_file.py), so the cap is the ingest's own but at least 512 MB.
-- Parameters: $memory_limit (e.g. '512MB').
set memory_limit = $memory_limit
