-- cube_daily_cell_match: the condition that a row `cube` of cube_cases_daily is a cell of
-- `changes` (cube_daily_changes: the cells an ingest touched), every key compared with nulls
-- as values of their own; shared by sql/ingest/cube_daily_merged.sql and
-- cube_daily_delete_touched.sql. Parameters: none.
    changes.activity is not distinct from cube.activity
and changes.activity_date is not distinct from cube.activity_date
and changes.market is not distinct from cube.market
and changes.region is not distinct from cube.region
and changes.abuse_category is not distinct from cube.abuse_category
and changes.source is not distinct from cube.source
and changes.language is not distinct from cube.language
