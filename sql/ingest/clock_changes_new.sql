-- Append the new SLA verdicts of touched cases to clock_changes with sign +1.
-- Parameters: none.
insert into clock_changes
select 1 as sign, priority, abuse_category, source, market, language, is_sla_met_business
from case_business_time
where case_id in (select case_id from touched_cases)
  and vendor is not null and is_resolved and is_sla_met_business is not null
