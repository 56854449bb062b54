-- Retention: delete cases created (market-local date) before $before. Run last of the case
-- purges (events and reviews find their cases here). Parameters: $before (date).
delete from main.cases
where created_date < $before::date
