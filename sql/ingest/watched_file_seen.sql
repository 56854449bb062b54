-- Whether the watcher has handled this exact file (path and content) before.
-- Grain: one row. Parameters: $path, $file_sha256.
with

seen as (
    select path
    from main.watched_files
    where path = $path and file_sha256 = $file_sha256
),

final as (select count(*) > 0 as is_seen from seen)

select * from final
