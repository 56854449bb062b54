-- kpi_summary: the headline KPIs of one period, exactly one row (zeros and nulls when empty).
-- Grain: one row. Cohorts: cases and first response count cases created in the period; resolved
-- cases, SLA, resolution time and appeals count cases whose clock stopped (closed_date) in the
-- period (stg_cases_activity). open_backlog / open_breached are a stock as of $as_of (null = the
-- newest created_at or resolved_at in the data); the date range does not apply to them.
-- Medians and p90 are in calendar seconds. The period's KPIs are kpi_by_segment's 'all' row,
-- computed by the same text (sql/fragments/kpi_periods.sql, 'all' only): from the tables kept at
-- ingest when no market, category or source filter is set and the period holds a whole week
-- (quantiles within 1% of quantile_cont), otherwise from fact_case_activity (exact).
-- Parameters (null = all): $start_date, $end_date (market-local, inclusive), $markets,
-- $categories, $sources, $as_of (UTC timestamp).
with

grain as (select false as by_week, true as all_only),

as_of as (
    select coalesce($as_of::timestamp, greatest(max(created_at), max(resolved_at))) as as_of_at
    from main.cases  -- raw table: a max needs no SLA resolution
    where $as_of::timestamp is null  -- a given as_of needs no scan (the filter folds to false)
),

-- the cases open at as_of, found in two disjoint reads whose filters are constants, so that they
-- reach the scan of all ~2 rows per case and only the few open rows fetch the other columns:
-- cases not closed, and cases closed after as_of (vendor_backlog_as_of.sql does the same). They
-- skip row groups by market only: every row group of the (market, day) sort holds created rows
-- of cases closed weeks later and resolved rows of cases created weeks before. At 10M, no
-- filter, the Overview's two calls took 0.39 -> 0.22 s and 0.42 -> 0.33 s (docs/kpis.md).
-- $as_of null means the newest created_at or resolved_at, which no closed_at (a resolved_at or
-- created_at) passes: the second read is then empty ('infinity' skips every row group). backlog
-- applies the exact definition and checks the activity after the scans (a closed case's resolved
-- row passes their filters too): checked in the scan, on every row, it cost ~40 ms at 10M.
open_rows as (
    select activity, created_at, closed_at, sla_due_effective_at
    from fact_case_activity
    where ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      and closed_at is null
      and created_at <= coalesce($as_of::timestamp, 'infinity'::timestamp)
    union all
    select activity, created_at, closed_at, sla_due_effective_at
    from fact_case_activity
    where ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($categories::varchar[] is null or list_contains($categories::varchar[], abuse_category))
      and ($sources::varchar[] is null or list_contains($sources::varchar[], source))
      and closed_at > coalesce($as_of::timestamp, 'infinity'::timestamp)
      and created_at <= coalesce($as_of::timestamp, 'infinity'::timestamp)
),

-- an aggregate's FILTER, unlike a WHERE, is not pushed into the scans
backlog as (
    select
        count(*) filter (where activity = 'created') as open_backlog,
        count(*) filter (where activity = 'created' and sla_due_effective_at < as_of_at)
            as open_breached
    from open_rows
    cross join as_of
    where created_at <= as_of_at
      and (closed_at is null or closed_at > as_of_at)
),

-- include: fragments/kpi_periods

select
    cases, resolved_cases, sla_met, sla_breached, sla_attainment_pct, first_response_median_s,
    first_response_p90_s, resolution_median_s, resolution_p90_s, appealed_cases,
    overturned_cases, decided_appeals, appeal_rate_pct, overturn_rate_pct,
    open_backlog, open_breached, as_of_at
from kpi_rows
cross join backlog
cross join as_of
