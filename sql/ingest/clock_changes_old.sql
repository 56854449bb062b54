-- clock_changes: the SLA verdicts of touched cases as case_business_time holds them before this
-- ingest, with sign -1 (they leave their case-mix cells in case_mix_cells);
-- clock_changes_new.sql appends the new verdicts with sign +1.
-- Grain: one row per touched case with a verdict x version. Parameters: none.
create or replace temp table clock_changes as
select -1 as sign, priority, abuse_category, source, market, language, is_sla_met_business
from case_business_time
where case_id in (select case_id from touched_cases)
  and vendor is not null and is_resolved and is_sla_met_business is not null
