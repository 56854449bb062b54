-- The connection's thread count and insertion-order setting, to restore after the native staging
-- changes them. Grain: one row. Parameters: none.
select
    current_setting('threads') as threads,
    current_setting('preserve_insertion_order') as preserve_insertion_order
