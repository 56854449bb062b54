-- Drop the native path's `batch_rows` view (native_valid_rows.sql). Parameters: none.
drop view if exists batch_rows
