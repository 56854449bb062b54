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

activities as (select * from (values ('created'), ('resolved')) as listed(activity)),

-- one pass over the cases (a cross join, not a union of two reads), so that a caller's column
-- choice and filters reach the scan of cases: the fact table's build skips the summary text
final as (
    select
        activities.activity,
        case when activities.activity = 'created' then closures.created_date
             else closures.closed_date end as activity_date,
        closures.*
    from closures
    cross join activities
    where activities.activity = 'created' or closures.closed_date is not null
)

select * from final
