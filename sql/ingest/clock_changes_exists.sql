-- Whether this connection holds the temp table clock_changes, i.e. its ingest maintained the
-- business clock, the cells and the case search incrementally (analytics/ingest/aggregates.py).
-- Parameters: none.
select count(*) > 0
from duckdb_tables()
where temporary and table_name = 'clock_changes'
