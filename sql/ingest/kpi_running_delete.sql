-- Take kpi_sketch_running's weeks from the earliest touched week on out (their running counts
-- change); kpi_running_insert.sql computes them again. Parameters: none.
delete from kpi_sketch_running
where week_start >= (select first_day from kpi_touched_weeks)
