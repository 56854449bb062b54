-- spike_triage: every triage verdict on a spike event, newest first.
-- Grain: one row per event_id. Parameters: none.
select event_id, verdict, owner, note, metric, segment, start_at, updated_at
from spike_triage
order by updated_at desc
