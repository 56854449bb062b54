-- Drop the native path's staging table (native_<kind>_stage.sql). Parameters: none.
drop table if exists native_staged
