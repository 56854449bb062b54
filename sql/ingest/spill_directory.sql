-- Where this ingest's DuckDB connection spills to disk. Parameters: $temp_directory (a folder
-- beside the database, one per process, removed afterwards; a killed ingest's is removed by the
-- next one).
set temp_directory = $temp_directory
