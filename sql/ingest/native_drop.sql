-- Drop what the native path created: its `batch_rows` view (native_valid_rows.sql), its staging
-- table (native_<kind>_stage.sql), its view of the export (native.py) and its row offset
-- (native_offset.sql). Parameters: none.
drop view if exists batch_rows;
drop table if exists native_staged;
drop view if exists native_source;
drop table if exists native_offset;
