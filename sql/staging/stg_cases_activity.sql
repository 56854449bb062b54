-- stg_cases_activity: one row per case and activity, 'created' (every case) and 'resolved'
-- (cases whose clock stopped), so that one filter on activity_date gives both cohorts: intake KPIs
-- (cases, first response) count on the created date, closing KPIs (resolved cases, SLA, resolution
-- time, appeals) on the date the clock stopped. Also the one definition of "closed" the backlog
-- marts share: closed_at is resolved_at; a case in a resolved/closed status without resolved_at
-- counts as closed at creation (it must not sit in the backlog forever). Dates are market-local.
create or replace view stg_cases_activity as
with

cases as (select * from stg_cases),

closures as (
    select
        *,
        case when is_resolved then coalesce(resolved_at, created_at) end as closed_at,
        case when is_resolved then coalesce(resolved_date, created_date) end as closed_date
    from cases
),

created as (
    select 'created' as activity, created_date as activity_date, *
    from closures
),

resolved as (
    select 'resolved' as activity, closed_date as activity_date, *
    from closures
    where closed_date is not null
),

final as (
    select * from created
    union all by name
    select * from resolved
)

select * from final
