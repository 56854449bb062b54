-- snapshot_case_text: the snapshots whose files hold case ids and text (made with example cases,
-- include_examples = 1), newest first: what retention (purge) must delete or redact
-- (analytics/snapshots/store.py `with_case_text`). Grain: one row per snapshot_id. Parameters: none.
select snapshot_id, made_at, made_by, page, title, html_path, files
from snapshots
where include_examples = 1
order by made_at desc
