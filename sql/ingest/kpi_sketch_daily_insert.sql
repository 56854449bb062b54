-- Compute the touched weeks of kpi_sketch_daily again from the fact table as it now stands, through
-- the table macro of the from-scratch build (kpi_sketch_daily_cells, sql/derived/), so both give
-- equal rows. Cost: the rows of the touched weeks. Parameters: none.
insert into kpi_sketch_daily by name
select *
from kpi_sketch_daily_cells((select first_day from kpi_touched_weeks),
        (select last_day from kpi_touched_weeks))
