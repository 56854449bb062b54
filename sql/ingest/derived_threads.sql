-- Threads for rebuilding derived tables inside an ingest under a small memory cap
-- (ESCALATION_RADAR_INGEST_MEMORY_MB below 512, as bench/big_file.py runs): each thread holds
-- its own buffers, and with two the business-clock joins outgrew a 1 GB address-space limit.
-- Parameters: $threads.
set threads = $threads
