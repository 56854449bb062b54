-- alert_sends: every delivery attempt, newest first (the Alerts inbox's send log).
-- Grain: one row per attempt. Parameters: none.
select attempted_at, webhook, payload, alert_keys, attempt, http_status, ok, error
from alert_sends
order by attempted_at desc, attempt desc
