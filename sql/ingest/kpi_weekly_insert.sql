-- Compute the touched weeks of kpi_weekly again from the fact table as it now stands, through the
-- table macro of the from-scratch build (kpi_weekly_cells, sql/derived/), so both give equal rows.
-- Cost: the rows of the touched weeks. Parameters: none.
insert into kpi_weekly by name
select *
from kpi_weekly_cells((select first_day from kpi_touched_weeks),
        (select last_day from kpi_touched_weeks))
