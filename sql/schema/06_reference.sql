-- Reference tables, rewritten from data/calendars.toml and data/sla_policies.toml by every writer.
create table if not exists markets (
    market     varchar primary key,
    time_zone  varchar not null,
    region     varchar,
    languages  varchar
);
