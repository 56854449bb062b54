-- vendor_reviewers: each reviewer's throughput, handle time and QA accuracy within a vendor, for
-- the spread of performance inside the vendor (percentiles and outliers in analytics/).
-- Grain: one row per vendor x reviewer over the decision dates $start_date..$end_date.
-- reviewer is a stable pseudonym ('rv-' and 8 hex digits of md5(vendor, reviewer_id)), so
-- whatever an export puts in reviewer_id (a login, a name) never reaches a page.
-- Handle time: claim (latest) -> decision, calendar seconds; QA accuracy = correct / sampled.
-- Parameters: $vendors (null = all), $start_date, $end_date (decided_date, inclusive; null =
-- open), $markets (null = all).
with

reviews as (
    select *
    from stg_reviews
    where vendor is not null and reviewer_id is not null
      and ($vendors::varchar[] is null or list_contains($vendors::varchar[], vendor))
      and ($start_date::date is null or decided_date >= $start_date::date)
      and ($end_date::date is null or decided_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
),

final as (
    select
        vendor,
        'rv-' || left(md5(vendor || chr(31) || reviewer_id), 8) as reviewer,
        count(*) as decisions,
        quantile_cont(handle_time_s, 0.5) as handle_time_median_s,
        quantile_cont(handle_time_s, 0.9) as handle_time_p90_s,
        count(*) filter (where is_qa_sampled) as qa_sampled,
        count(*) filter (where is_qa_sampled and is_qa_correct) as qa_correct,
        100.0 * count(*) filter (where is_qa_sampled and is_qa_correct)
            / nullif(count(*) filter (where is_qa_sampled), 0) as qa_accuracy_pct
    from reviews
    group by vendor, reviewer_id
    order by vendor, decisions desc, reviewer
)

select * from final
