-- Compute the touched weeks of kpi_sketch_weekly again from kpi_sketch_daily (already refreshed),
-- through the table macro of the from-scratch build (kpi_sketch_weekly_cells, sql/derived/), so
-- both give equal rows. Cost: the rows of the touched weeks. Parameters: none.
insert into kpi_sketch_weekly by name
select *
from kpi_sketch_weekly_cells((select first_day from kpi_touched_weeks),
        (select last_day from kpi_touched_weeks))
