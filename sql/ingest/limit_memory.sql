-- Memory cap for an ingest's writer connection: beyond it DuckDB spills sorts, joins, windows and
-- staged rows to its temp directory (sql/ingest/spill_directory.sql), so an export larger than
-- RAM still loads. $memory_limit comes from ESCALATION_RADAR_INGEST_MEMORY_MB (README): the
-- default 2048 MB keeps a 10M-row load off the disk (at 128 MB the same load spent 4x longer
-- spilling; BENCHMARKS.md "Scale"); bench/big_file.py runs at 128 MB under a 512 MB process
-- limit. store.py raises it to at least 512 MB before the derived tables are rebuilt inside an
-- ingest: the business-clock joins fail rather than spill below that on 10M cases.
-- Parameters: $memory_limit (e.g. '2048MB').
set memory_limit = $memory_limit
