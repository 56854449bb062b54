-- A plain UTF-8 CSV export as DuckDB's strict parser reads it: every field as text, the header
-- skipped, columns named f1..fN by the caller ($columns: name -> VARCHAR), no sniffing, so that
-- what it accepts it reads exactly as the pandas path does and what it does not (a malformed
-- record) raises instead. Grain: one row per data row. Parameters: $path, $columns, $delimiter.
select *
from read_csv(
    $path,
    header := true,
    columns := $columns,
    delim := $delimiter,
    quote := '"',
    escape := '"',
    strict_mode := true,
    auto_detect := false,
    null_padding := false,
    ignore_errors := false
)
