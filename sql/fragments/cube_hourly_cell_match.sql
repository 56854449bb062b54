-- cube_hourly_cell_match: the condition that a row `cube` of cube_cases_hourly is a cell of
-- `changes` (cube_hourly_changes: the cells an ingest touched), every key compared with nulls
-- as values of their own; shared by sql/ingest/cube_hourly_merged.sql and
-- cube_hourly_delete_touched.sql. Parameters: none.
    changes.local_hour is not distinct from cube.local_hour
and changes.created_date is not distinct from cube.created_date
and changes.market is not distinct from cube.market
and changes.abuse_category is not distinct from cube.abuse_category
and changes.source is not distinct from cube.source
