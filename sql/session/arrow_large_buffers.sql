-- Arrow results with 64-bit string offsets (large_string) for this connection, or back: pandas
-- keeps its Arrow-backed strings so, and converting millions of them otherwise copies every
-- string column (~0.6 s at 10M cases in trend detection, analytics/trends.py load_cases).
-- Parameters: $enabled (boolean).
set arrow_large_buffer_size = $enabled
