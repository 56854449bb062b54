-- Retention: delete reviews decided (market-local date) before $before, and every review of a
-- case that is being purged. Run before purge_cases. Parameters: $before (date).
delete from main.reviews
where decided_date < $before::date
   or case_id in (select case_id from main.cases where created_date < $before::date)
