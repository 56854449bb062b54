-- snapshot_list: every snapshot recorded, newest first (the Snapshots page).
-- Grain: one row per snapshot_id. Parameters: none.
select snapshot_id, made_at, made_by, page, title, filters, include_examples, data_as_of,
       html_path, html_sha256, files, png_note
from snapshots
order by made_at desc
