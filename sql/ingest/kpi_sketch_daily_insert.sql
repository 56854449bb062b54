-- Compute the touched weeks of kpi_sketch_daily again from the fact table as it now stands, through
-- the query of the from-scratch build (sql/fragments/kpi_sketch_daily_cells.sql), so both give
-- equal rows. Cost: the rows of the touched weeks.
-- Parameters: $first_day, $last_day (the touched weeks' span, sql/ingest/kpi_touched_span.sql).
insert into kpi_sketch_daily by name
select *
from (
-- include: fragments/kpi_sketch_daily_cells
) as cells
