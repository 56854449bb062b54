-- cube_daily_changes: this ingest's signed contributions to cube_cases_daily (fact_changes: the
-- touched cases' activity rows before the upsert with sign -1, after it with sign +1), per cell,
-- the measures as sql/derived/50_cube_cases_daily.sql counts them. Grain: one row per touched
-- cell. Parameters: none.
create or replace temp table cube_daily_changes as
select
    activity, activity_date, market, region, abuse_category, source, language,
    sum(sign)::bigint as cases,
    coalesce(sum(sign) filter (where is_resolved), 0)::bigint as resolved_cases,
    coalesce(sum(sign) filter (where is_sla_met_effective), 0)::bigint as sla_met,
    coalesce(sum(sign) filter (where not is_sla_met_effective), 0)::bigint as sla_breached
from fact_changes
group by all
