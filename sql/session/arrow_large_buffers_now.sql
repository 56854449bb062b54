-- Whether this connection currently hands Arrow results with 64-bit string offsets
-- (sql/session/arrow_large_buffers.sql sets it). Grain: one row. Parameters: none.
select current_setting('arrow_large_buffer_size') as enabled
