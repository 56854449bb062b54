-- Drop what the native path created: its `batch_rows` view (native_valid_rows.sql), its staging
-- table (native_<kind>_stage.sql) and its view of the export (native.py). Parameters: none.
drop view if exists batch_rows;
drop table if exists native_staged;
drop view if exists native_source;
