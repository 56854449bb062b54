-- Keep file order while native_<kind>_stage.sql loads (rowid + 1 is then the row number);
-- native.py runs sql/ingest/limit_memory.sql afterwards, which turns it off again.
-- Parameters: $on.
set preserve_insertion_order = $on
