-- Take the touched weeks out of kpi_daily (kpi_daily_insert.sql computes them again). Parameters:
-- none.
delete from kpi_daily
where activity_date between (select first_day from kpi_touched_weeks)
                 and (select last_day from kpi_touched_weeks)
