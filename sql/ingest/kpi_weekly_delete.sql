-- Take the touched weeks out of kpi_weekly (kpi_weekly_fill.sql computes them again). Parameters:
-- none.
delete from kpi_weekly
where week_start between (select first_day from kpi_touched_weeks)
                 and (select last_day from kpi_touched_weeks)
