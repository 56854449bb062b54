-- Snapshots made (issue 6, analytics/snapshot.py): who made which frozen view, when, with what
-- filters, and the SHA-256 of the HTML file, so a file passed around can be traced and checked.
create table if not exists snapshots (
    snapshot_id      varchar primary key,
    page             varchar not null,   -- overview | markets | kpis | spikes | trends | vendors | wbr
    title            varchar not null,
    made_by          varchar,            -- who, if known (--by, or the OS user)
    made_at          timestamp not null, -- UTC
    filters          varchar not null,   -- JSON: dates, markets, categories, sources, selection
    include_examples boolean not null,   -- example cases included (internal audiences only)
    data_as_of       timestamp,          -- newest case in the data the snapshot shows (UTC)
    html_path        varchar not null,
    html_sha256      varchar not null,
    files            varchar not null,   -- JSON list of the CSV/PNG files written beside it
    png_note         varchar             -- why PNGs are missing, when they are
);
