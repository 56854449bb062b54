-- Business hours per market, rewritten from data/calendars.toml by every writer: one row per
-- market and working weekday (ISO 1 = Monday) with local wall-clock start and end. A market with
-- no rows works around the clock: its SLA clocks run in calendar time (stg_business_intervals).
create table if not exists market_working_hours (
    market      varchar not null,
    weekday     integer not null,
    start_time  time not null,
    end_time    time not null
);
