-- spike_triage: every triage verdict on a spike event.
-- Grain: one row per event_id. Parameters: none.
with

triage as (select * from main.spike_triage),

final as (
    select event_id, verdict, owner, note, metric, segment, start_at, updated_at
    from triage
    order by updated_at desc
)

select * from final
