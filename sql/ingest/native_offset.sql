-- How many data rows of the export came before the piece now in native_staged, so that
-- rowid + 1 + n is a row's number in the whole file (native.py stages a large CSV piece by
-- piece). Read by native_valid_rows, native_rejected_insert and native_tally.
-- Grain: one row. Parameters: $row_offset.
create or replace temp table native_offset as
select $row_offset::bigint as n
