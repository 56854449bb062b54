-- Facts about the database itself, e.g. the fingerprint of the schema, views and reference
-- configuration it was last written with (db.refresh_if_stale compares it with the checkout's).
create table if not exists schema_meta (
    key    varchar primary key,
    value  varchar not null
);
