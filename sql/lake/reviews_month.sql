-- reviews_month: the stored reviews of one lake partition (analytics/engines/lake.py).
-- Parameters: $month ('YYYY-MM', or 'none' for reviews without a decided_date).
select *
from main.reviews
where coalesce(strftime(decided_date, '%Y-%m'), 'none') = $month
order by market, decided_at
