-- Rows per table of the state store (SQLite): the migration copies old records only into an
-- empty table. Parameters: none.
select 'spike_triage' as name, count(*) as n from spike_triage
union all select 'alert_items', count(*) from alert_items
union all select 'alert_sends', count(*) from alert_sends
union all select 'alert_responses', count(*) from alert_responses
union all select 'snapshots', count(*) from snapshots
union all select 'watched_files', count(*) from watched_files
