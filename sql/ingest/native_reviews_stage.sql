-- native_staged for reviews: as native_cases_stage.sql, for the reviews contract.
-- Grain: one row per data row, in file order.
-- Parameters: $default_zone, $earliest, $false_words, $float_pattern, $headers, $latest,
-- $leading_whitespace, $naive_pattern, $offset_pattern, $trailing_whitespace, $true_words,
-- $whitespace, $zone_markets, $zones.
create or replace temp table native_staged as
with

export_rows as (select * from native_source),

texts as (
    select
        COLUMNS('^f\d+$'),
        case when review_id = '' then null
             when regexp_matches(review_id, $leading_whitespace)
                  or regexp_matches(review_id, $trailing_whitespace)
             then nullif(trim(review_id, $whitespace), '') else review_id end as review_id,
        case when case_id = '' then null
             when regexp_matches(case_id, $leading_whitespace)
                  or regexp_matches(case_id, $trailing_whitespace)
             then nullif(trim(case_id, $whitespace), '') else case_id end as case_id,
        case when vendor = '' then null
             when regexp_matches(vendor, $leading_whitespace)
                  or regexp_matches(vendor, $trailing_whitespace)
             then nullif(trim(vendor, $whitespace), '') else vendor end as vendor,
        case when reviewer_id = '' then null
             when regexp_matches(reviewer_id, $leading_whitespace)
                  or regexp_matches(reviewer_id, $trailing_whitespace)
             then nullif(trim(reviewer_id, $whitespace), '') else reviewer_id end as reviewer_id,
        case when queue = '' then null
             when regexp_matches(queue, $leading_whitespace)
                  or regexp_matches(queue, $trailing_whitespace)
             then nullif(trim(queue, $whitespace), '') else queue end as queue,
        case when market = '' then null
             when regexp_matches(market, $leading_whitespace)
                  or regexp_matches(market, $trailing_whitespace)
             then nullif(trim(market, $whitespace), '') else market end as market,
        case when language = '' then null
             when regexp_matches(language, $leading_whitespace)
                  or regexp_matches(language, $trailing_whitespace)
             then nullif(trim(language, $whitespace), '') else language end as language,
        case when claimed_at = '' then null
             when regexp_matches(claimed_at, $leading_whitespace)
                  or regexp_matches(claimed_at, $trailing_whitespace)
             then nullif(trim(claimed_at, $whitespace), '') else claimed_at end as claimed_at,
        case when decided_at = '' then null
             when regexp_matches(decided_at, $leading_whitespace)
                  or regexp_matches(decided_at, $trailing_whitespace)
             then nullif(trim(decided_at, $whitespace), '') else decided_at end as decided_at,
        case when decision = '' then null
             when regexp_matches(decision, $leading_whitespace)
                  or regexp_matches(decision, $trailing_whitespace)
             then nullif(trim(decision, $whitespace), '') else decision end as decision,
        case when is_qa_sampled = '' then null
             when regexp_matches(is_qa_sampled, $leading_whitespace)
                  or regexp_matches(is_qa_sampled, $trailing_whitespace)
             then nullif(trim(is_qa_sampled, $whitespace), '') else is_qa_sampled end as is_qa_sampled,
        case when is_qa_correct = '' then null
             when regexp_matches(is_qa_correct, $leading_whitespace)
                  or regexp_matches(is_qa_correct, $trailing_whitespace)
             then nullif(trim(is_qa_correct, $whitespace), '') else is_qa_correct end as is_qa_correct,
        case when qa_score = '' then null
             when regexp_matches(qa_score, $leading_whitespace)
                  or regexp_matches(qa_score, $trailing_whitespace)
             then nullif(trim(qa_score, $whitespace), '') else qa_score end as qa_score
    from export_rows
),

forms as (
    select
        *,
        case when regexp_full_match(claimed_at, $naive_pattern) then 'naive'
             when regexp_full_match(claimed_at, $offset_pattern) then 'offset' end as claimed_at__form,
        case when regexp_full_match(decided_at, $naive_pattern) then 'naive'
             when regexp_full_match(decided_at, $offset_pattern) then 'offset' end as decided_at__form,
        case when regexp_full_match(replace(qa_score, ',', '.'), $float_pattern) then 'number' end
            as qa_score__form
    from texts
),

parsed as (
    select
        *,
        case claimed_at__form when 'naive' then try_cast(claimed_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(claimed_at as timestamptz)) end
            as claimed_at__value,
        case decided_at__form when 'naive' then try_cast(decided_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(decided_at as timestamptz)) end
            as decided_at__value,
        case when list_contains($true_words, lower(is_qa_sampled)) then true
             when list_contains($false_words, lower(is_qa_sampled)) then false end as is_qa_sampled__value,
        case when list_contains($true_words, lower(is_qa_correct)) then true
             when list_contains($false_words, lower(is_qa_correct)) then false end as is_qa_correct__value,
        case when qa_score__form is not null
             then try_cast(replace(qa_score, ',', '.') as double) end as qa_score__value
    from forms
),

checked as (
    select
        *,
        coalesce(review_id is null, false) as review_id__missing,
        coalesce(vendor is null, false) as vendor__missing,
        coalesce(claimed_at is not null and claimed_at__value is null, false) as claimed_at__bad,
        coalesce(decided_at is not null and decided_at__value is null, false) as decided_at__bad,
        coalesce(decided_at is null, false) as decided_at__missing,
        coalesce(is_qa_sampled is not null and is_qa_sampled__value is null, false) as is_qa_sampled__bad,
        coalesce(is_qa_correct is not null and is_qa_correct__value is null, false) as is_qa_correct__bad,
        coalesce(qa_score is not null and qa_score__value is null, false) as qa_score__bad,
        coalesce(claimed_at__value > $latest, false) as claimed_at__future,
        coalesce(claimed_at__value < $earliest, false) as claimed_at__early,
        coalesce(decided_at__value > $latest, false) as decided_at__future,
        coalesce(decided_at__value < $earliest, false) as decided_at__early,
        coalesce(decided_at__value < claimed_at__value, false) as decided_at__order
    from parsed
),

judged as (
    select
        *,
        not (review_id__missing
             or vendor__missing
             or claimed_at__bad
             or decided_at__bad
             or decided_at__missing
             or is_qa_sampled__bad
             or is_qa_correct__bad
             or qa_score__bad
             or claimed_at__future
             or claimed_at__early
             or decided_at__future
             or decided_at__early
             or decided_at__order) as is_valid,
        ((claimed_at is not null and claimed_at__form is null)
            or (decided_at is not null and decided_at__form is null)
            or (qa_score is not null and qa_score__form is null)) as has_odd_values,
        coalesce(map($zone_markets, $zones)[upper(market)],
                 map($zone_markets, $zones)[split_part(upper(market), '-', 1)], $default_zone)
            as market_zone
    from checked
),

final as (
    select
        review_id,
        case_id,
        vendor,
        reviewer_id,
        queue,
        market,
        language,
        claimed_at__value as claimed_at,
        decided_at__value as decided_at,
        decision,
        is_qa_sampled__value as is_qa_sampled,
        is_qa_correct__value as is_qa_correct,
        qa_score__value as qa_score,
        timezone(market_zone, timezone('UTC', decided_at__value))::date as decided_date,
        case when not is_valid then list_filter([
            case when review_id__missing then {'column_name': 'review_id', 'check_name': 'required', 'value': null::varchar} end,
            case when vendor__missing then {'column_name': 'vendor', 'check_name': 'required', 'value': null::varchar} end,
            case when claimed_at__bad then {'column_name': 'claimed_at', 'check_name': 'parse', 'value': claimed_at} end,
            case when decided_at__bad then {'column_name': 'decided_at', 'check_name': 'parse', 'value': decided_at} end,
            case when decided_at__missing then {'column_name': 'decided_at', 'check_name': 'required', 'value': null::varchar} end,
            case when is_qa_sampled__bad then {'column_name': 'is_qa_sampled', 'check_name': 'parse', 'value': is_qa_sampled} end,
            case when is_qa_correct__bad then {'column_name': 'is_qa_correct', 'check_name': 'parse', 'value': is_qa_correct} end,
            case when qa_score__bad then {'column_name': 'qa_score', 'check_name': 'parse', 'value': qa_score} end,
            case when claimed_at__future then {'column_name': 'claimed_at', 'check_name': 'future', 'value': claimed_at} end,
            case when claimed_at__early then {'column_name': 'claimed_at', 'check_name': 'early', 'value': claimed_at} end,
            case when decided_at__future then {'column_name': 'decided_at', 'check_name': 'future', 'value': decided_at} end,
            case when decided_at__early then {'column_name': 'decided_at', 'check_name': 'early', 'value': decided_at} end,
            case when decided_at__order then {'column_name': 'decided_at', 'check_name': 'order', 'value': decided_at} end
        ], lambda p: p is not null) end as problems,
        case when is_valid then null else to_json(map_from_entries(list_zip(
            $headers, list_transform([*COLUMNS('^f\d+$')], lambda v: coalesce(v, ''))
        ))) end as raw_record,
        case when has_odd_values then list_filter([
            case when claimed_at is not null and claimed_at__form is null
            then {'column_name': 'claimed_at', 'value': claimed_at} end,
            case when decided_at is not null and decided_at__form is null
            then {'column_name': 'decided_at', 'value': decided_at} end,
            case when qa_score is not null and qa_score__form is null
            then {'column_name': 'qa_score', 'value': qa_score} end
        ], lambda p: p is not null) end as odd_values
    from judged
)

select * from final
