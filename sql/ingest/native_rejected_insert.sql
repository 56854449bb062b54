-- Quarantine the native staging's problem rows: one rejected_rows row per row and problem, the
-- reason worded as quarantine.rejected_frame words it ("row 17, column 'x': ..."), from the
-- rule texts native.py registers as `native_rules`. Parameters: $ingest_id, $file_name.
insert into main.rejected_rows
with

staged as (
    select rowid + 1 + (select n from native_offset) as row_number, unnest(problems) as problem, raw_record
    from native_staged
    where problems is not null
),

rules as (select * from native_rules),

problems as (
    select
        s.row_number,
        r.reported,
        s.problem.value as value,
        case when r.has_value then r.prefix || coalesce(s.problem.value, '') || r.suffix
             else r.prefix end as problem_text,
        s.raw_record
    from staged as s
    join rules as r
      on r.column_name = s.problem.column_name
     and r.check_name = s.problem.check_name
),

final as (
    select
        $ingest_id::integer as ingest_id,
        $file_name::varchar as file_name,
        row_number::bigint as row_number,
        reported::varchar as column_name,
        value::varchar as value,
        ('row ' || row_number || ', column ''' || reported || ''': ' || problem_text)::varchar
            as reason,
        raw_record::varchar as raw_record
    from problems
)

select * from final
