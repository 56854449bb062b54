-- market_clock: stg_market_clock materialised (per market, the market-local date the data has
-- reached), so that the marts marking incomplete days read a few dozen rows instead of scanning
-- every case and review for the newest timestamps and the markets seen (0.02-0.05 s at 1M
-- cases per mart, ten times that at 10M). Rebuilt by every ingest (analytics/ingest/
-- aggregates.py) and every full rebuild. Grain and columns: as stg_market_clock.
-- Parameters: none.
create or replace table market_clock as
select * from stg_market_clock
