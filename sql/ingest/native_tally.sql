-- The native staging's problems grouped as quarantine.tally groups them: by column and rule,
-- with rows, the first row and its value; in the order validate.py finds them.
-- Grain: one row per column and rule. Parameters: none (reads native_staged, native_rules,
-- native_offset).
with

staged as (
    select rowid + 1 + (select n from native_offset) as row_number, unnest(problems) as problem
    from native_staged
    where problems is not null
),

rules as (select * from native_rules),

problems as (
    select s.row_number, s.problem.value as value, r.reported, r.rule, r.rule_order
    from staged as s
    join rules as r
      on r.column_name = s.problem.column_name
     and r.check_name = s.problem.check_name
),

final as (
    select
        reported as column_name,
        rule,
        count(*) as rows,
        min(row_number) as first_row,
        arg_min(value, row_number) filter (where value is not null) as first_value,
        rule_order
    from problems
    group by reported, rule, rule_order
    order by rule_order
)

select * from final
