-- Drop the native path's view of the export (native.py creates it). Parameters: none.
drop view if exists native_source
