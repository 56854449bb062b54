-- cases_month: the stored cases of one lake partition, sorted by market and created_at so that
-- a reader's market or time filter skips row groups (analytics/engines/lake.py).
-- Parameters: $month ('YYYY-MM', or 'none' for cases without a created_date).
select *
from main.cases
where coalesce(strftime(created_date, '%Y-%m'), 'none') = $month
order by market, created_at
