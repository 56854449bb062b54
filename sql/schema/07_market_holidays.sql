create table if not exists market_holidays (
    market        varchar not null,
    holiday_date  date not null
);
