-- Threads for an ingest's heavy statements under a small memory cap: each thread holds its own
-- buffers. native.py uses one for native_<kind>_stage.sql below 512 MB (loading in file order
-- at the 128 MB of bench/big_file.py fails with two threads); store.py uses one for rebuilding
-- the derived tables below 512 MB (with two, the business-clock joins outgrew a 1 GB
-- address-space limit). Parameters: $threads.
set threads = $threads
