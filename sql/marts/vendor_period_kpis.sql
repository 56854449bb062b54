-- vendor_period_kpis: every vendor KPI per week or month, per vendor and queue and per vendor in
-- total (is_all_queues, queue null): what the Vendors scorecard and its trends read.
-- Grain: one row per period_start x vendor x queue, plus one per period_start x vendor
-- (a missing queue is reported as '(no queue)').
-- Cohorts: review KPIs on the decision's market-local date (decided_date); closing KPIs (SLA,
-- resolution time, reopen and overturn rates) on the date the case's clock stopped (closed_date,
-- as stg_cases_activity); first response on the created date.
-- Reviews: decisions_per_day = decisions / days of the period up to the last complete day;
-- handle time = claim (latest) -> decision, calendar seconds (the work itself), median and p90 by
-- quantile_cont; qa_accuracy_pct = correct / QA-sampled; qa_score_mean over scored decisions.
-- Cases, business time where the market has a calendar (case_business_time, as defined by
-- stg_cases_business_time):
-- sla_attainment_pct = met / (met + breached); first_response_median_s, resolution_median_s;
-- reopen_rate_pct = reopened (reopen_count > 0) / resolved; overturn_rate_pct = overturned /
-- appeals decided (upheld or overturned), over the vendor's own decisions (the case's vendor).
-- is_complete_period: the period ended by the last day complete in every market.
-- Parameters: $period ('week' | 'month'), $markets (null = all).
with

-- every row counts twice: in its queue and in the vendor's all-queues total (queue null); a
-- missing queue is its own queue, so that a null queue only ever means "all queues". One
-- group-by over the doubled rows is cheaper than grouping sets, which copy their input.
rollup as (select * from (values (false), (true)) as t(is_all_queues)),

-- not materialized: review_kpis and reviewer_counts each read it (reviews are the small table)
reviews as not materialized (
    select
        r.vendor,
        r.reviewer_id,
        r.handle_time_s,
        r.is_qa_sampled,
        r.is_qa_correct,
        r.qa_score,
        case when rollup.is_all_queues then null else coalesce(r.queue, '(no queue)') end as queue,
        rollup.is_all_queues,
        cast(date_trunc($period, r.decided_date) as date) as period_start
    from stg_reviews as r
    cross join rollup
    where r.vendor is not null
      and ($markets::varchar[] is null or list_contains($markets::varchar[], r.market))
),

-- the business clock comes from case_business_time, built once per write (sql/derived/); not
-- materialized: two cohorts read it, and scanning the table twice is cheaper than a copy
cases as not materialized (
    select
        c.vendor,
        c.created_date,
        c.closed_date,
        c.is_sla_met_business,
        c.first_response_business_s,
        c.resolution_business_s,
        c.reopen_count,
        c.appeal_outcome,
        case when rollup.is_all_queues then null else coalesce(c.queue, '(no queue)') end as queue,
        rollup.is_all_queues
    from main.case_business_time as c
    cross join rollup
    where c.vendor is not null
      and ($markets::varchar[] is null or list_contains($markets::varchar[], c.market))
),

complete as (
    select least(min(current_case_date), min(current_review_date)) - 1 as complete_through
    from market_clock
),

review_kpis as (
    select
        period_start, vendor, queue, is_all_queues,
        count(*) as decisions,
        quantile_cont(handle_time_s, 0.5) as handle_time_median_s,
        quantile_cont(handle_time_s, 0.9) as handle_time_p90_s,
        count(*) filter (where is_qa_sampled) as qa_sampled,
        count(*) filter (where is_qa_sampled and is_qa_correct) as qa_correct,
        avg(qa_score) as qa_score_mean
    from reviews
    group by period_start, vendor, queue, is_all_queues
),

-- distinct reviewers as a plain count over distinct rows: a count(distinct) beside the quantiles
-- made DuckDB aggregate every review a second time and join the two
reviewer_counts as (
    select period_start, vendor, queue, is_all_queues, count(reviewer_id) as reviewers
    from (select distinct period_start, vendor, queue, is_all_queues, reviewer_id from reviews)
    group by period_start, vendor, queue, is_all_queues
),

closing_kpis as (
    select
        cast(date_trunc($period, closed_date) as date) as period_start,
        vendor, queue, is_all_queues,
        count(*) as resolved_cases,
        count(*) filter (where is_sla_met_business) as sla_met,
        count(*) filter (where not is_sla_met_business) as sla_breached,
        quantile_cont(resolution_business_s, 0.5) as resolution_median_s,
        count(*) filter (where reopen_count > 0) as reopened_cases,
        count(*) filter (where appeal_outcome in ('upheld', 'overturned')) as appeals_decided,
        count(*) filter (where appeal_outcome = 'overturned') as appeals_overturned
    from cases
    where closed_date is not null
    group by 1, vendor, queue, is_all_queues
),

intake_kpis as (
    select
        cast(date_trunc($period, created_date) as date) as period_start,
        vendor, queue, is_all_queues,
        count(*) as created_cases,
        quantile_cont(first_response_business_s, 0.5) as first_response_median_s
    from cases
    group by 1, vendor, queue, is_all_queues
),

combined as (
    select
        period_start, vendor, queue, is_all_queues,
        max(decisions) as decisions, max(handle_time_median_s) as handle_time_median_s,
        max(handle_time_p90_s) as handle_time_p90_s, max(qa_sampled) as qa_sampled,
        max(qa_correct) as qa_correct, max(qa_score_mean) as qa_score_mean,
        max(reviewers) as reviewers, max(resolved_cases) as resolved_cases,
        max(sla_met) as sla_met, max(sla_breached) as sla_breached,
        max(resolution_median_s) as resolution_median_s, max(reopened_cases) as reopened_cases,
        max(appeals_decided) as appeals_decided, max(appeals_overturned) as appeals_overturned,
        max(created_cases) as created_cases, max(first_response_median_s) as first_response_median_s
    from (
        select * from review_kpis
        union all by name select * from reviewer_counts
        union all by name select * from closing_kpis
        union all by name select * from intake_kpis
    )
    group by period_start, vendor, queue, is_all_queues
),

periods as (
    select
        combined.*,
        cast(period_start + (case when $period = 'month' then interval 1 month
                                  else interval 7 day end) - interval 1 day as date) as period_end,
        complete.complete_through
    from combined
    cross join complete
),

final as (
    select
        period_start,
        period_end,
        vendor,
        queue,
        is_all_queues,
        period_end <= complete_through as is_complete_period,
        coalesce(decisions, 0) as decisions,
        coalesce(decisions, 0) / nullif(date_diff('day', period_start,
                                                  least(period_end, complete_through)) + 1, 0)
            as decisions_per_day,
        handle_time_median_s,
        handle_time_p90_s,
        coalesce(qa_sampled, 0) as qa_sampled,
        coalesce(qa_correct, 0) as qa_correct,
        100.0 * qa_correct / nullif(qa_sampled, 0) as qa_accuracy_pct,
        qa_score_mean,
        coalesce(reviewers, 0) as reviewers,
        coalesce(created_cases, 0) as created_cases,
        coalesce(resolved_cases, 0) as resolved_cases,
        coalesce(sla_met, 0) as sla_met,
        coalesce(sla_breached, 0) as sla_breached,
        100.0 * sla_met / nullif(sla_met + sla_breached, 0) as sla_attainment_pct,
        first_response_median_s,
        resolution_median_s,
        100.0 * reopened_cases / nullif(resolved_cases, 0) as reopen_rate_pct,
        coalesce(appeals_decided, 0) as appeals_decided,
        100.0 * appeals_overturned / nullif(appeals_decided, 0) as overturn_rate_pct
    from periods
    where period_start is not null
    order by vendor, is_all_queues desc, queue, period_start
)

select * from final
