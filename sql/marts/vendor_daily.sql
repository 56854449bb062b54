-- vendor_daily: vendor review KPIs per market-local decision day.
-- Grain: one row per decided_date x vendor x queue x market.
-- decisions: reviews decided that day (throughput). Handle time: claimed_at -> decided_at,
-- calendar seconds (stg_reviews; null when unclaimed), median and p90 by quantile_cont, and the
-- sum so that coarser rollups can take a mean. QA accuracy = correct / QA-sampled decisions;
-- qa_score_mean is the mean of the scores given (0-100). reviewers: distinct reviewer_id.
-- is_complete_day: false from the market's current review date on (market_clock).
-- Parameters (null = all): $start_date, $end_date (on decided_date, inclusive), $markets, $vendors.
with

reviews as (select * from stg_reviews),

filtered as (
    select *
    from reviews
    where ($start_date::date is null or decided_date >= $start_date::date)
      and ($end_date::date is null or decided_date <= $end_date::date)
      and ($markets::varchar[] is null or list_contains($markets::varchar[], market))
      and ($vendors::varchar[] is null or list_contains($vendors::varchar[], vendor))
),

daily as (
    select
        decided_date,
        vendor,
        queue,
        market,
        count(*) as decisions,
        quantile_cont(handle_time_s, 0.5) as handle_time_median_s,
        quantile_cont(handle_time_s, 0.9) as handle_time_p90_s,
        sum(handle_time_s) as handle_time_sum_s,
        count(handle_time_s) as handle_time_count,
        count(*) filter (where is_qa_sampled) as qa_sampled,
        count(*) filter (where is_qa_sampled and is_qa_correct) as qa_correct,
        avg(qa_score) as qa_score_mean,
        count(distinct reviewer_id) as reviewers
    from filtered
    group by decided_date, vendor, queue, market
),

final as (
    select
        daily.decided_date,
        daily.vendor,
        daily.queue,
        daily.market,
        daily.decisions,
        handle_time_median_s,
        handle_time_p90_s,
        handle_time_sum_s,
        handle_time_count,
        qa_sampled,
        qa_correct,
        100.0 * qa_correct / nullif(qa_sampled, 0) as qa_accuracy_pct,
        qa_score_mean,
        reviewers,
        decided_date < clock.current_review_date as is_complete_day
    from daily
    left join market_clock as clock on clock.market is not distinct from daily.market
    order by decided_date, vendor, queue, market
)

select * from final
