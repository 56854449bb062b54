-- Retention: the case ids and summaries a purge before $before removes (read before it does),
-- so that files beside the database (snapshots) can be searched for them. Same rule as
-- purge_cases.sql. Parameters: $before (date).
select case_id, summary
from main.cases
where created_date < $before::date
