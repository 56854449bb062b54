-- Whether statements keep row order. On while native_<kind>_stage.sql loads (rowid + 1 is then
-- the row number); off for the rest of an ingest (outcomes carry row_number), which lets DuckDB
-- stream and spill more freely (store.py). Parameters: $on.
set preserve_insertion_order = $on
