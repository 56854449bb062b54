-- kpi_weekly_fill: add the weekly KPI cells of the weeks from $first_day to $last_day (Mondays
-- to Sundays) to kpi_weekly. Called a few weeks at a time (analytics/db.py fill_in_chunks) by the
-- from-scratch build and by an ingest's refresh of its touched weeks: the exact quantiles hold
-- every value of a group in memory, so the chunk bounds the memory.
-- Parameters: $first_day, $last_day (dates, inclusive).
insert into kpi_weekly by name
select *
from (
-- include: fragments/kpi_weekly_cells
) as cells
order by week_start, dimension, segment
