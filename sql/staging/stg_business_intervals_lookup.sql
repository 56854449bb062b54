-- stg_business_intervals_lookup: the business clock (stg_business_intervals) as a table that an
-- equi-join reads, for stg_cases_business_time: finding "the last interval starting at or before
-- t" with an ASOF join cost ~2 us per case and reading at 1M cases; a hash join on (market,
-- bucket) costs a small fraction of that, with the same answers.
-- Grain: one row per calendar market x lookup x bucket k (0 .. last_k).
--   lookup 'time':    finds the last interval with start_at <= t; position = epoch_us(start_at)
--                     - origin_us (origin_us: the market's first start_at); probe = epoch_us(t)
--                     - origin_us.
--   lookup 'reading': finds the last interval with clock_start_s < v (v: a business-clock
--                     reading in whole seconds); position = clock_start_s, origin_us = 0,
--                     probe = v - 1.
-- Buckets are `width` wide, the market's smallest gap between two consecutive positions (for
-- times about a day; for readings the shortest working day), so at most one interval has its
-- position in a bucket: that is q_* (null if none). p_* is the last interval positioned in an
-- earlier bucket. For a probe y in bucket k = least(y // width, last_k) the interval sought is
-- q if q's position <= y, else p (null: no interval yet, as the ASOF join found none).
-- last_k is one past the last interval's bucket, so later probes read the last interval and
-- the clock saturates after the calendar's span, as the ASOF join did. A negative probe either
-- has no bucket or (integer division truncates toward zero) falls in bucket 0, whose p is null
-- and whose q lies after it: null either way.
-- Parameters: none.
create or replace view stg_business_intervals_lookup as
with

intervals as materialized (
    select market, start_at, clock_start_s::bigint as clock_start_s, length_s
    from stg_business_intervals
),

positioned as (
    select
        'time' as lookup,
        market,
        min(epoch_us(start_at)) over (partition by market) as origin_us,
        epoch_us(start_at) - min(epoch_us(start_at)) over (partition by market) as position,
        start_at, clock_start_s, length_s
    from intervals
    union all
    select 'reading' as lookup, market, 0 as origin_us, clock_start_s as position,
           start_at, clock_start_s, length_s
    from intervals
),

gaps as (
    select
        *,
        position - lag(position) over (partition by lookup, market order by position) as gap
    from positioned
),

grid as (
    select
        lookup,
        market,
        min(origin_us) as origin_us,
        -- a market with a single interval: any width will do
        greatest(coalesce(min(gap) filter (where gap > 0), 1), 1) as width,
        max(position) as last_position
    from gaps
    group by lookup, market
),

grid_bounds as (select *, last_position // width + 1 as last_k from grid),

buckets as (
    select lookup, market, unnest(range(0, last_k + 1)) as k from grid_bounds
),

-- the interval positioned in each bucket (at most one; duplicated working hours in a calendar
-- would put two there: keep one, never duplicate the cases joined to this table)
starting as (
    select
        g.lookup,
        g.market,
        p.position // g.width as k,
        {'start_at': p.start_at, 'clock_start_s': p.clock_start_s, 'length_s': p.length_s} as q
    from positioned as p
    join grid_bounds as g using (lookup, market)
    qualify row_number() over (partition by g.lookup, g.market, k order by p.position desc) = 1
),

filled as (
    select
        b.lookup,
        b.market,
        b.k,
        s.q,
        last_value(s.q ignore nulls) over (
            partition by b.lookup, b.market order by b.k
            rows between unbounded preceding and 1 preceding
        ) as p
    from buckets as b
    left join starting as s using (lookup, market, k)
),

final as (
    select
        f.lookup,
        f.market,
        f.k,
        f.q.start_at as q_start_at,
        f.q.clock_start_s as q_clock_start_s,
        f.q.length_s as q_length_s,
        f.p.start_at as p_start_at,
        f.p.clock_start_s as p_clock_start_s,
        f.p.length_s as p_length_s,
        g.origin_us,
        g.width,
        g.last_k
    from filled as f
    join grid_bounds as g using (lookup, market)
)

select * from final
