-- native_staged for cases: every row of `native_source` (the export as DuckDB reads it: every
-- source column as text f1..fN, and the canonical columns as text) validated in SQL by the rules
-- of analytics/ingest/validate.py, which analytics/ingest/native.py states the parameters of.
-- Grain: one row per data row, in file order (the caller sets preserve_insertion_order, so
-- rowid + 1 is the row number). Valid rows have problems null; the others list each problem as
-- (column_name, check_name, value) and keep raw_record (the row as read, JSON). Values in a
-- format the patterns do not cover are listed in odd_values for the caller to judge.
-- A timestamp written as a date alone ($date_pattern) is its market's date: stored as the UTC time
-- of the market's local midnight, so created_date is the date as written (issue #15 point 4).
-- Parameters: $appeal_outcomes, $appeal_outcomes_keys, $default_zone, $earliest, $false_words,
-- $date_pattern, $headers, $int_pattern, $latest, $leading_whitespace, $naive_pattern, $offset_pattern,
-- $priorities, $priorities_keys, $sources, $sources_keys, $statuses, $statuses_keys,
-- $trailing_whitespace, $true_words, $whitespace, $zone_markets, $zones.
create or replace temp table native_staged as
with

export_rows as (select * from native_source),

texts as (
    select
        COLUMNS('^f\d+$'),
        case when case_id = '' then null
             when regexp_matches(case_id, $leading_whitespace)
                  or regexp_matches(case_id, $trailing_whitespace)
             then nullif(trim(case_id, $whitespace), '') else case_id end as case_id,
        case when created_at = '' then null
             when regexp_matches(created_at, $leading_whitespace)
                  or regexp_matches(created_at, $trailing_whitespace)
             then nullif(trim(created_at, $whitespace), '') else created_at end as created_at,
        case when updated_at = '' then null
             when regexp_matches(updated_at, $leading_whitespace)
                  or regexp_matches(updated_at, $trailing_whitespace)
             then nullif(trim(updated_at, $whitespace), '') else updated_at end as updated_at,
        case when first_response_at = '' then null
             when regexp_matches(first_response_at, $leading_whitespace)
                  or regexp_matches(first_response_at, $trailing_whitespace)
             then nullif(trim(first_response_at, $whitespace), '') else first_response_at end as first_response_at,
        case when resolved_at = '' then null
             when regexp_matches(resolved_at, $leading_whitespace)
                  or regexp_matches(resolved_at, $trailing_whitespace)
             then nullif(trim(resolved_at, $whitespace), '') else resolved_at end as resolved_at,
        case when sla_due_at = '' then null
             when regexp_matches(sla_due_at, $leading_whitespace)
                  or regexp_matches(sla_due_at, $trailing_whitespace)
             then nullif(trim(sla_due_at, $whitespace), '') else sla_due_at end as sla_due_at,
        case when first_response_due_at = '' then null
             when regexp_matches(first_response_due_at, $leading_whitespace)
                  or regexp_matches(first_response_due_at, $trailing_whitespace)
             then nullif(trim(first_response_due_at, $whitespace), '') else first_response_due_at end as first_response_due_at,
        case when status = '' then null
             when regexp_matches(status, $leading_whitespace)
                  or regexp_matches(status, $trailing_whitespace)
             then nullif(trim(status, $whitespace), '') else status end as status,
        case when market = '' then null
             when regexp_matches(market, $leading_whitespace)
                  or regexp_matches(market, $trailing_whitespace)
             then nullif(trim(market, $whitespace), '') else market end as market,
        case when language = '' then null
             when regexp_matches(language, $leading_whitespace)
                  or regexp_matches(language, $trailing_whitespace)
             then nullif(trim(language, $whitespace), '') else language end as language,
        case when abuse_category = '' then null
             when regexp_matches(abuse_category, $leading_whitespace)
                  or regexp_matches(abuse_category, $trailing_whitespace)
             then nullif(trim(abuse_category, $whitespace), '') else abuse_category end as abuse_category,
        case when source = '' then null
             when regexp_matches(source, $leading_whitespace)
                  or regexp_matches(source, $trailing_whitespace)
             then nullif(trim(source, $whitespace), '') else source end as source,
        case when priority = '' then null
             when regexp_matches(priority, $leading_whitespace)
                  or regexp_matches(priority, $trailing_whitespace)
             then nullif(trim(priority, $whitespace), '') else priority end as priority,
        case when queue = '' then null
             when regexp_matches(queue, $leading_whitespace)
                  or regexp_matches(queue, $trailing_whitespace)
             then nullif(trim(queue, $whitespace), '') else queue end as queue,
        case when vendor = '' then null
             when regexp_matches(vendor, $leading_whitespace)
                  or regexp_matches(vendor, $trailing_whitespace)
             then nullif(trim(vendor, $whitespace), '') else vendor end as vendor,
        case when outcome = '' then null
             when regexp_matches(outcome, $leading_whitespace)
                  or regexp_matches(outcome, $trailing_whitespace)
             then nullif(trim(outcome, $whitespace), '') else outcome end as outcome,
        case when is_appealed = '' then null
             when regexp_matches(is_appealed, $leading_whitespace)
                  or regexp_matches(is_appealed, $trailing_whitespace)
             then nullif(trim(is_appealed, $whitespace), '') else is_appealed end as is_appealed,
        case when appeal_outcome = '' then null
             when regexp_matches(appeal_outcome, $leading_whitespace)
                  or regexp_matches(appeal_outcome, $trailing_whitespace)
             then nullif(trim(appeal_outcome, $whitespace), '') else appeal_outcome end as appeal_outcome,
        case when summary = '' then null
             when regexp_matches(summary, $leading_whitespace)
                  or regexp_matches(summary, $trailing_whitespace)
             then nullif(trim(summary, $whitespace), '') else summary end as summary,
        case when surface = '' then null
             when regexp_matches(surface, $leading_whitespace)
                  or regexp_matches(surface, $trailing_whitespace)
             then nullif(trim(surface, $whitespace), '') else surface end as surface,
        case when reopen_count = '' then null
             when regexp_matches(reopen_count, $leading_whitespace)
                  or regexp_matches(reopen_count, $trailing_whitespace)
             then nullif(trim(reopen_count, $whitespace), '') else reopen_count end as reopen_count,
        case when is_sla_met = '' then null
             when regexp_matches(is_sla_met, $leading_whitespace)
                  or regexp_matches(is_sla_met, $trailing_whitespace)
             then nullif(trim(is_sla_met, $whitespace), '') else is_sla_met end as is_sla_met
    from export_rows
),

forms as (
    select
        *,
        case when regexp_full_match(created_at, $naive_pattern) then 'naive'
             when regexp_full_match(created_at, $offset_pattern) then 'offset' end as created_at__form,
        case when regexp_full_match(updated_at, $naive_pattern) then 'naive'
             when regexp_full_match(updated_at, $offset_pattern) then 'offset' end as updated_at__form,
        case when regexp_full_match(first_response_at, $naive_pattern) then 'naive'
             when regexp_full_match(first_response_at, $offset_pattern) then 'offset' end as first_response_at__form,
        case when regexp_full_match(resolved_at, $naive_pattern) then 'naive'
             when regexp_full_match(resolved_at, $offset_pattern) then 'offset' end as resolved_at__form,
        case when regexp_full_match(sla_due_at, $naive_pattern) then 'naive'
             when regexp_full_match(sla_due_at, $offset_pattern) then 'offset' end as sla_due_at__form,
        case when regexp_full_match(first_response_due_at, $naive_pattern) then 'naive'
             when regexp_full_match(first_response_due_at, $offset_pattern) then 'offset' end as first_response_due_at__form,
        case when regexp_full_match(reopen_count, $int_pattern) then 'number' end as reopen_count__form
    from texts
),

parsed as (
    select
        *,
        case created_at__form when 'naive' then try_cast(created_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(created_at as timestamptz)) end
            as created_at__value,
        case updated_at__form when 'naive' then try_cast(updated_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(updated_at as timestamptz)) end
            as updated_at__value,
        case first_response_at__form when 'naive' then try_cast(first_response_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(first_response_at as timestamptz)) end
            as first_response_at__value,
        case resolved_at__form when 'naive' then try_cast(resolved_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(resolved_at as timestamptz)) end
            as resolved_at__value,
        case sla_due_at__form when 'naive' then try_cast(sla_due_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(sla_due_at as timestamptz)) end
            as sla_due_at__value,
        case first_response_due_at__form when 'naive' then try_cast(first_response_due_at as timestamp)
             when 'offset' then timezone('UTC', try_cast(first_response_due_at as timestamptz)) end
            as first_response_due_at__value,
        map($statuses_keys, $statuses)[lower(status)] as status__value,
        map($sources_keys, $sources)[lower(source)] as source__value,
        map($priorities_keys, $priorities)[lower(priority)] as priority__value,
        case when list_contains($true_words, lower(is_appealed)) then true
             when list_contains($false_words, lower(is_appealed)) then false end as is_appealed__value,
        map($appeal_outcomes_keys, $appeal_outcomes)[lower(appeal_outcome)] as appeal_outcome__value,
        case when reopen_count__form is not null
             then try_cast(try_cast(reopen_count as double) as bigint) end as reopen_count__value,
        case when list_contains($true_words, lower(is_sla_met)) then true
             when list_contains($false_words, lower(is_sla_met)) then false end as is_sla_met__value
    from forms
),

checked as (
    select
        *,
        coalesce(case_id is null, false) as case_id__missing,
        coalesce(created_at is not null and created_at__value is null, false) as created_at__bad,
        coalesce(created_at is null, false) as created_at__missing,
        coalesce(updated_at is not null and updated_at__value is null, false) as updated_at__bad,
        coalesce(first_response_at is not null and first_response_at__value is null, false) as first_response_at__bad,
        coalesce(resolved_at is not null and resolved_at__value is null, false) as resolved_at__bad,
        coalesce(sla_due_at is not null and sla_due_at__value is null, false) as sla_due_at__bad,
        coalesce(first_response_due_at is not null and first_response_due_at__value is null, false) as first_response_due_at__bad,
        coalesce(status is not null and status__value is null, false) as status__bad,
        coalesce(source is not null and source__value is null, false) as source__bad,
        coalesce(priority is not null and priority__value is null, false) as priority__bad,
        coalesce(is_appealed is not null and is_appealed__value is null, false) as is_appealed__bad,
        coalesce(appeal_outcome is not null and appeal_outcome__value is null, false) as appeal_outcome__bad,
        coalesce(reopen_count is not null and reopen_count__value is null, false) as reopen_count__bad,
        coalesce(is_sla_met is not null and is_sla_met__value is null, false) as is_sla_met__bad,
        coalesce(created_at__value > $latest, false) as created_at__future,
        coalesce(created_at__value < $earliest, false) as created_at__early,
        coalesce(updated_at__value > $latest, false) as updated_at__future,
        coalesce(updated_at__value < $earliest, false) as updated_at__early,
        coalesce(first_response_at__value > $latest, false) as first_response_at__future,
        coalesce(first_response_at__value < $earliest, false) as first_response_at__early,
        coalesce(resolved_at__value > $latest, false) as resolved_at__future,
        coalesce(resolved_at__value < $earliest, false) as resolved_at__early,
        coalesce(sla_due_at__value < $earliest, false) as sla_due_at__early,
        coalesce(first_response_due_at__value < $earliest, false) as first_response_due_at__early,
        coalesce(first_response_at__value < created_at__value, false) as first_response_at__order,
        coalesce(resolved_at__value < created_at__value, false) as resolved_at__order
    from parsed
),

judged as (
    select
        *,
        not (case_id__missing
             or created_at__bad
             or created_at__missing
             or updated_at__bad
             or first_response_at__bad
             or resolved_at__bad
             or sla_due_at__bad
             or first_response_due_at__bad
             or status__bad
             or source__bad
             or priority__bad
             or is_appealed__bad
             or appeal_outcome__bad
             or reopen_count__bad
             or is_sla_met__bad
             or created_at__future
             or created_at__early
             or updated_at__future
             or updated_at__early
             or first_response_at__future
             or first_response_at__early
             or resolved_at__future
             or resolved_at__early
             or sla_due_at__early
             or first_response_due_at__early
             or first_response_at__order
             or resolved_at__order) as is_valid,
        ((created_at is not null and created_at__form is null)
            or (updated_at is not null and updated_at__form is null)
            or (first_response_at is not null and first_response_at__form is null)
            or (resolved_at is not null and resolved_at__form is null)
            or (sla_due_at is not null and sla_due_at__form is null)
            or (first_response_due_at is not null and first_response_due_at__form is null)
            or (reopen_count is not null and reopen_count__form is null)) as has_odd_values,
        coalesce(map($zone_markets, $zones)[upper(market)],
                 map($zone_markets, $zones)[split_part(upper(market), '-', 1)], $default_zone)
            as market_zone
    from checked
),

final as (
    select
        case_id,
        case when regexp_full_match(created_at, $date_pattern)
             then timezone('UTC', timezone(market_zone, created_at__value)) else created_at__value end
            as created_at,
        case when regexp_full_match(updated_at, $date_pattern)
             then timezone('UTC', timezone(market_zone, updated_at__value)) else updated_at__value end
            as updated_at,
        case when regexp_full_match(first_response_at, $date_pattern)
             then timezone('UTC', timezone(market_zone, first_response_at__value)) else first_response_at__value end
            as first_response_at,
        case when regexp_full_match(resolved_at, $date_pattern)
             then timezone('UTC', timezone(market_zone, resolved_at__value)) else resolved_at__value end
            as resolved_at,
        case when regexp_full_match(sla_due_at, $date_pattern)
             then timezone('UTC', timezone(market_zone, sla_due_at__value)) else sla_due_at__value end
            as sla_due_at,
        case when regexp_full_match(first_response_due_at, $date_pattern)
             then timezone('UTC', timezone(market_zone, first_response_due_at__value)) else first_response_due_at__value end
            as first_response_due_at,
        status__value as status,
        market,
        language,
        abuse_category,
        source__value as source,
        priority__value as priority,
        queue,
        vendor,
        outcome,
        is_appealed__value as is_appealed,
        appeal_outcome__value as appeal_outcome,
        summary,
        surface,
        reopen_count__value as reopen_count,
        is_sla_met__value as is_sla_met,
        case when regexp_full_match(created_at, $date_pattern) then created_at__value::date
             else timezone(market_zone, timezone('UTC', created_at__value))::date end as created_date,
        case when regexp_full_match(resolved_at, $date_pattern) then resolved_at__value::date
             else timezone(market_zone, timezone('UTC', resolved_at__value))::date end as resolved_date,
        case when not is_valid then list_filter([
            case when case_id__missing then {'column_name': 'case_id', 'check_name': 'required', 'value': null::varchar} end,
            case when created_at__bad then {'column_name': 'created_at', 'check_name': 'parse', 'value': created_at} end,
            case when created_at__missing then {'column_name': 'created_at', 'check_name': 'required', 'value': null::varchar} end,
            case when updated_at__bad then {'column_name': 'updated_at', 'check_name': 'parse', 'value': updated_at} end,
            case when first_response_at__bad then {'column_name': 'first_response_at', 'check_name': 'parse', 'value': first_response_at} end,
            case when resolved_at__bad then {'column_name': 'resolved_at', 'check_name': 'parse', 'value': resolved_at} end,
            case when sla_due_at__bad then {'column_name': 'sla_due_at', 'check_name': 'parse', 'value': sla_due_at} end,
            case when first_response_due_at__bad then {'column_name': 'first_response_due_at', 'check_name': 'parse', 'value': first_response_due_at} end,
            case when status__bad then {'column_name': 'status', 'check_name': 'parse', 'value': status} end,
            case when source__bad then {'column_name': 'source', 'check_name': 'parse', 'value': source} end,
            case when priority__bad then {'column_name': 'priority', 'check_name': 'parse', 'value': priority} end,
            case when is_appealed__bad then {'column_name': 'is_appealed', 'check_name': 'parse', 'value': is_appealed} end,
            case when appeal_outcome__bad then {'column_name': 'appeal_outcome', 'check_name': 'parse', 'value': appeal_outcome} end,
            case when reopen_count__bad then {'column_name': 'reopen_count', 'check_name': 'parse', 'value': reopen_count} end,
            case when is_sla_met__bad then {'column_name': 'is_sla_met', 'check_name': 'parse', 'value': is_sla_met} end,
            case when created_at__future then {'column_name': 'created_at', 'check_name': 'future', 'value': created_at} end,
            case when created_at__early then {'column_name': 'created_at', 'check_name': 'early', 'value': created_at} end,
            case when updated_at__future then {'column_name': 'updated_at', 'check_name': 'future', 'value': updated_at} end,
            case when updated_at__early then {'column_name': 'updated_at', 'check_name': 'early', 'value': updated_at} end,
            case when first_response_at__future then {'column_name': 'first_response_at', 'check_name': 'future', 'value': first_response_at} end,
            case when first_response_at__early then {'column_name': 'first_response_at', 'check_name': 'early', 'value': first_response_at} end,
            case when resolved_at__future then {'column_name': 'resolved_at', 'check_name': 'future', 'value': resolved_at} end,
            case when resolved_at__early then {'column_name': 'resolved_at', 'check_name': 'early', 'value': resolved_at} end,
            case when sla_due_at__early then {'column_name': 'sla_due_at', 'check_name': 'early', 'value': sla_due_at} end,
            case when first_response_due_at__early then {'column_name': 'first_response_due_at', 'check_name': 'early', 'value': first_response_due_at} end,
            case when first_response_at__order then {'column_name': 'first_response_at', 'check_name': 'order', 'value': first_response_at} end,
            case when resolved_at__order then {'column_name': 'resolved_at', 'check_name': 'order', 'value': resolved_at} end
        ], lambda p: p is not null) end as problems,
        case when is_valid then null else to_json(map_from_entries(list_zip(
            $headers, list_transform([*COLUMNS('^f\d+$')], lambda v: coalesce(v, ''))
        ))) end as raw_record,
        case when has_odd_values then list_filter([
            case when created_at is not null and created_at__form is null
            then {'column_name': 'created_at', 'value': created_at} end,
            case when updated_at is not null and updated_at__form is null
            then {'column_name': 'updated_at', 'value': updated_at} end,
            case when first_response_at is not null and first_response_at__form is null
            then {'column_name': 'first_response_at', 'value': first_response_at} end,
            case when resolved_at is not null and resolved_at__form is null
            then {'column_name': 'resolved_at', 'value': resolved_at} end,
            case when sla_due_at is not null and sla_due_at__form is null
            then {'column_name': 'sla_due_at', 'value': sla_due_at} end,
            case when first_response_due_at is not null and first_response_due_at__form is null
            then {'column_name': 'first_response_due_at', 'value': first_response_due_at} end,
            case when reopen_count is not null and reopen_count__form is null
            then {'column_name': 'reopen_count', 'value': reopen_count} end
        ], lambda p: p is not null) end as odd_values
    from judged
)

select * from final
