-- months: the month partitions of the lake (analytics/engines/lake.py): per table, every
-- market-local month that holds rows (cases by created_date, reviews by decided_date; 'none' for
-- rows without a date). Parameters: none.
select distinct 'cases' as table_name, coalesce(strftime(created_date, '%Y-%m'), 'none') as month
from main.cases
union all
select distinct 'reviews', coalesce(strftime(decided_date, '%Y-%m'), 'none')
from main.reviews
order by table_name, month
