-- Memory cap for the derived-table rebuild (sql/derived/, run by db.writer after the ingest's own
-- work): those queries (ASOF joins over every case) fail rather than spill at the ingest's 128 MB
-- on 10M cases (bench/big_file.py), so they get 512 MB. No parameters.
set memory_limit = '512MB'
