-- Record one snapshot made (analytics/snapshots/build.py `record`).
-- Parameters: $snapshot_id, $page, $title, $made_by, $made_at, $filters (JSON), $include_examples,
-- $data_as_of, $html_path, $html_sha256, $files (JSON), $png_note.
insert or replace into snapshots
    (snapshot_id, page, title, made_by, made_at, filters, include_examples, data_as_of,
     html_path, html_sha256, files, png_note)
values ($snapshot_id, $page, $title, $made_by, $made_at, $filters, $include_examples,
        $data_as_of, $html_path, $html_sha256, $files, $png_note)
