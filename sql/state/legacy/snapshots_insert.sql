-- One old snapshots row into the state store (SQLite; analytics/state.py `_migrate`), in
-- the column order of legacy/snapshots.sql. Positional parameters.
insert or ignore into snapshots (
    snapshot_id, page, title, made_by, made_at, filters, include_examples, data_as_of,
    html_path, html_sha256, files, png_note)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
