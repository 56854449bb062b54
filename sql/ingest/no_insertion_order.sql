-- An ingest's statements need not keep row order (outcomes carry row_number), which lets DuckDB
-- stream and spill more freely. No parameters.
set preserve_insertion_order = false
