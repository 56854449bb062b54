-- Threads for native_<kind>_stage.sql: loading in file order under a small memory cap (the
-- 128 MB of bench/big_file.py) fails with two threads and fits with one, so native.py uses one
-- below 512 MB. Parameters: $threads.
set threads = $threads
