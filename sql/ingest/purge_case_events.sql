-- Retention: delete the events of cases created (market-local date) before $before.
-- Parameters: $before (date). DuckDB answers with the number of rows deleted.
delete from main.case_events
where case_id in (select case_id from main.cases where created_date < $before::date)
