-- kpi_touched_span: the Monday-to-Sunday span of the weeks this ingest touched
-- (sql/ingest/kpi_touched_weeks.sql), for the chunked refill of kpi_weekly. One row; nulls when
-- the ingest touched nothing. Parameters: none.
select first_day, last_day from kpi_touched_weeks
