-- Memory cap for an ingest's writer connection: beyond it DuckDB spills sorts, joins, windows and
-- staged rows to its temp directory (sql/ingest/spill_directory.sql), so an export larger than
-- RAM still loads. With Python, pandas and pyarrow's own ~250 MB, 128 MB keeps an ingest process
-- around 450 MB (bench/big_file.py measures it). No parameters.
set memory_limit = '128MB';
set preserve_insertion_order = false;
