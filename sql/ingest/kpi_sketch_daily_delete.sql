-- Take the touched weeks out of kpi_sketch_daily (kpi_sketch_daily_insert.sql computes them again).
-- Parameters: none.
delete from kpi_sketch_daily
where activity_date between (select first_day from kpi_touched_weeks)
                 and (select last_day from kpi_touched_weeks)
