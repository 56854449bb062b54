-- Append the new review_case_mix rows of the touched cases' reviews to review_mix_changes with
-- sign +1. Parameters: none.
insert into review_mix_changes
select 1 as sign, priority, abuse_category, source, market, language, handle_time_s
from review_case_mix
where case_id in (select case_id from touched_cases)
