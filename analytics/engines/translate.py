"""DuckDB-dialect `sql/` text to Spark SQL, with SQLGlot (one text, two engines).

A file's statement is parsed as DuckDB SQL and written as Spark SQL with three changes SQLGlot
does not make by itself: `main.` (DuckDB's default schema) is dropped from table names, since
Spark reads temporary views; `$name` parameters become Spark's named markers `:name`, still
bound (spark.sql(text, args=...)); and a `create [or replace] table|view ... as` statement is
split into its name and its query, which the engine materialises in its own way (an
`insert into t ...` file likewise: its query, t as its name). Two options serve files that read a
relation whose columns only the caller knows (the lake import's staging, analytics/ingest/lake_import.py):
`expand` names the columns DuckDB's `COLUMNS('regex')` (and `*COLUMNS(...)` in a list) stands
for, and `carry` names columns every projection without a star passes on (the source file and
row of each staged row, which DuckDB's file keeps as rowid). What SQLGlot
cannot translate correctly is rewritten in `sql/` in the subset both engines share
(docs/scale-out.md lists the rewrites), never kept as a second copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp


class TranslationError(ValueError):
    """A `sql/` file SQLGlot cannot parse or write for Spark."""


@dataclass(frozen=True)
class Statement:
    kind: str          # "table", "view", "insert" or "query"
    name: str | None   # the table or view it creates, or inserts into (None for a query)
    query: str         # the query, in the target dialect


def _is_utc(node: exp.Expression) -> bool:
    return isinstance(node, exp.AtTimeZone) and isinstance(node.args.get("zone"), exp.Literal) \
        and node.args["zone"].this.upper() == "UTC"


def _is_utc_of(node: exp.Expression) -> bool:
    """timezone('UTC', x): DuckDB's other spelling of `x at time zone 'UTC'`."""
    return isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" \
        and len(node.expressions) == 2 and isinstance(node.expressions[0], exp.Literal) \
        and node.expressions[0].this.upper() == "UTC"


def _naive(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("timestamp_ntz", dialect="spark"))


def _spark_tree(node: exp.Expression) -> exp.Expression:
    """A subtree of a node `_spark_only` replaces, itself translated (transform does not visit
    the children of a node it replaced)."""
    return node.copy().transform(_spark_only)


def _spark_only(node: exp.Expression) -> exp.Expression:
    """DuckDB functions SQLGlot writes wrongly for Spark, each written as Spark's equivalent:
    - timezone(zone, ts at time zone 'UTC') (or timezone(zone, timezone('UTC', ts))): the naive
      local time in `zone` of a naive UTC timestamp -> from_utc_timestamp(ts, zone), kept naive
      (TIMESTAMP_NTZ);
    - timezone('UTC', timezone(zone, ts)): the naive UTC time of a naive local time in `zone` ->
      to_utc_timestamp(ts, zone), kept naive;
    - timezone('UTC', try_cast(text as timestamptz)): text with an offset, as naive UTC ->
      try_cast(text as timestamp_ltz) cast to TIMESTAMP_NTZ (the session zone is UTC; SQLGlot
      writes timestamptz as TIMESTAMP, which this session reads as TIMESTAMP_NTZ);
    - regexp_full_match(x, p) -> x rlike '^(?:' || p || ')$' (Spark's rlike finds; the values
      matched are trimmed of line ends first, so `$` is the end);
    - map_from_entries(list_zip(keys, values)) -> map_from_arrays(keys, values);
    - quantile_cont(x, q): linear interpolation at (n - 1) * q -> percentile(x, q), the same
      definition (SQLGlot writes percentile_cont(x, q), which Spark does not take);
    - isodow(d): Monday 1 .. Sunday 7 -> weekday(d) + 1 (SQLGlot's dayofweek form is off);
    - date_diff('second', a, b): DuckDB counts the second boundaries crossed ->
      unix_seconds(b) - unix_seconds(a) (Spark's datediff counts whole seconds elapsed);
    - epoch_us(ts) -> unix_micros(cast(ts as timestamp)) (the session zone is UTC);
    - any_value(x), which skips nulls in DuckDB -> any_value(x, true);
    - a CTE `as [not] materialized`: DuckDB's planner hint, dropped."""
    if _is_utc_of(node):
        inner = node.expressions[1]
        if isinstance(inner, exp.Anonymous) and inner.name.lower() == "timezone" \
                and len(inner.expressions) == 2:   # a naive local time in a zone, to naive UTC
            zone, stamp = inner.expressions
            return _naive(exp.Anonymous(this="to_utc_timestamp",
                                        expressions=[_spark_tree(stamp), _spark_tree(zone)]))
        if isinstance(inner, (exp.Cast, exp.TryCast)) and inner.to.this == exp.DataType.Type.TIMESTAMPTZ:
            aware = exp.TryCast(this=_spark_tree(inner.this),
                                to=exp.DataType.build("timestamp_ltz", dialect="spark"))
            return _naive(aware)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" \
            and len(node.expressions) == 2 and _is_utc_of(node.expressions[1]):
        zone, stamp = node.expressions[0], node.expressions[1].expressions[1]
        local = exp.Anonymous(this="from_utc_timestamp", expressions=[_spark_tree(stamp), _spark_tree(zone)])
        return _naive(local)
    if isinstance(node, exp.RegexpFullMatch):
        pattern = exp.func("concat", exp.Literal.string("^(?:"), _spark_tree(node.expression),
                           exp.Literal.string(")$"))
        return exp.RegexpLike(this=_spark_tree(node.this), expression=pattern)
    if isinstance(node, exp.MapFromEntries) and isinstance(node.this, exp.Anonymous) \
            and node.this.name.lower() == "list_zip" and len(node.this.expressions) == 2:
        return exp.Anonymous(this="map_from_arrays",
                             expressions=[_spark_tree(e) for e in node.this.expressions])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" \
            and len(node.expressions) == 2 and _is_utc(node.expressions[1]):
        zone, stamp = node.expressions[0], node.expressions[1].this
        local = exp.Anonymous(this="from_utc_timestamp", expressions=[stamp.copy(), zone.copy()])
        return exp.Cast(this=local, to=exp.DataType.build("timestamp_ntz", dialect="spark"))
    if isinstance(node, exp.DateDiff) and str(node.args.get("unit") or "").upper() == "SECOND":
        # DuckDB counts second boundaries crossed; Spark's datediff(SECOND) whole seconds elapsed
        # (2,267 where DuckDB says 2,268 for 2,267.6 s across a boundary): seconds since 1970
        # of each end, subtracted, is DuckDB's definition
        ends = [exp.Anonymous(this="unix_seconds", expressions=[
            exp.Cast(this=side.copy(), to=exp.DataType.build("timestamp"))])
            for side in (node.this, node.expression)]
        return exp.Paren(this=exp.Sub(this=ends[0], expression=ends[1]))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us" \
            and len(node.expressions) == 1:   # microseconds since 1970 of a naive UTC timestamp
        stamp = exp.Cast(this=node.expressions[0].copy(), to=exp.DataType.build("timestamp"))
        return exp.Anonymous(this="unix_micros", expressions=[stamp])
    if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
        return exp.Anonymous(this="percentile",
                             expressions=[node.this.copy(), node.args["expression"].copy()])
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node = node.copy()   # `as [not] materialized`: a planner hint Spark's parser refuses
        node.set("materialized", None)
        return node
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        node = node.this
    if isinstance(node, exp.AnyValue):   # DuckDB's skips nulls; Spark's takes a flag for that
        return exp.Anonymous(this="any_value", expressions=[node.this.copy(), exp.true()])
    if isinstance(node, exp.DayOfWeekIso):
        return exp.Add(this=exp.Anonymous(this="weekday", expressions=[node.this.copy()]),
                       expression=exp.Literal.number(1))
    return node


def _merged_percentiles(tree: exp.Expression) -> exp.Expression:
    """percentile(x, q1) and percentile(x, q2) (the same x, under the same FILTER if any) in one
    select list -> element_at(percentile(x, array(q1, q2)), 1) and (..., 2): Spark computes an
    aggregate that appears twice in a select once, and each percentile call keeps its own buffer of
    every value's count; two calls on x kept two (kpi_weekly's medians and p90s: four buffers per
    group and grouping set, where two hold the same). The array form takes the same values at the
    same (n - 1) * q points, so the rows are the same."""
    for select in list(tree.find_all(exp.Select)):
        groups: dict[tuple[str, str], list] = {}
        for item in select.expressions:
            for call in item.find_all(exp.Anonymous):
                if call.name.lower() != "percentile" or len(call.expressions) != 2 \
                        or call.find_ancestor(exp.Select) is not select:
                    continue
                q = call.expressions[1]
                if not isinstance(q, exp.Literal) or q.is_string:
                    continue
                holder = call.parent if isinstance(call.parent, exp.Filter) else call
                where = holder.expression.sql("spark") if holder is not call else ""
                groups.setdefault((call.expressions[0].sql("spark"), where), []).append((holder, call, q))
        for members in groups.values():
            points = list(dict.fromkeys(q.this for _, _, q in members))
            if len(points) < 2:
                continue
            for holder, call, q in members:
                merged = exp.Anonymous(this="percentile", expressions=[
                    call.expressions[0].copy(),
                    exp.Array(expressions=[exp.Literal.number(v) for v in points])])
                if holder is not call:
                    merged = exp.Filter(this=merged, expression=holder.expression.copy())
                holder.replace(exp.Anonymous(this="element_at", expressions=[
                    merged, exp.Literal.number(points.index(q.this) + 1)]))
    return tree


def _portable(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Table) and node.args.get("db") is not None \
            and node.db.lower() == "main" and not node.args.get("catalog"):
        node = node.copy()
        node.set("db", None)
        return node
    if isinstance(node, exp.Parameter):
        return exp.Placeholder(this=node.name)
    return node


def _expanded(columns: list[str]):
    """COLUMNS('regex') -> the listed columns it matches (in a select list or a list literal)."""
    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.Select, exp.Array)):
            out = []
            for item in node.expressions:
                if isinstance(item, exp.Columns) and isinstance(item.this, exp.Literal):
                    pattern = re.compile(item.this.this)
                    out += [exp.column(c, quoted=True) for c in columns if pattern.search(c)]
                else:
                    out.append(item)
            node.set("expressions", out)   # in place: transform skips a replaced node's children
        return node
    return expand


def _carried(columns: tuple[str, ...]):
    """Every CTE's select (and the statement's) without a star in its list also selects
    `columns` (unqualified); scalar subqueries are left alone."""
    def carry(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Select) and (node.parent is None or isinstance(node.parent, exp.CTE)) \
                and not any(
                isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
                for e in node.expressions):
            node.set("expressions", [*node.expressions, *(exp.column(c, quoted=True) for c in columns)])
        return node
    return carry


def split(text: str, dialect: str = "spark", source: str = "sql", *,
          expand: list[str] | None = None, carry: tuple[str, ...] = ()) -> Statement:
    """The one statement of `text` (DuckDB dialect), its query written for `dialect`; `expand`
    and `carry` as in the module docstring."""
    try:
        statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as error:
        raise TranslationError(f"{source}: SQLGlot cannot parse it: {error}") from error
    if len(statements) != 1:
        raise TranslationError(f"{source}: expected one statement, found {len(statements)}")
    tree = statements[0]
    kind, name = "query", None
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").lower()
        if kind not in ("table", "view") or tree.expression is None:
            raise TranslationError(f"{source}: only create table/view ... as select is translated")
        name = tree.this.name
        tree = tree.expression
    elif isinstance(tree, exp.Insert) and tree.expression is not None:
        kind, name = "insert", tree.this.name
        tree = tree.expression
    if expand is not None:
        tree = tree.transform(_expanded(expand))
    if carry:
        tree = tree.transform(_carried(carry))
    tree = tree.transform(_portable)
    if dialect == "spark":
        tree = _merged_percentiles(tree.transform(_spark_only))
    try:
        query = tree.sql(dialect=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as error:
        raise TranslationError(f"{source}: SQLGlot cannot write it for {dialect}: {error}") from error
    return Statement(kind, name, query)


def created_name(text: str, source: str = "sql") -> str:
    """The table or view a `create ... as` file creates."""
    name = split(text, dialect="duckdb", source=source).name
    if name is None:
        raise TranslationError(f"{source}: not a create table/view statement")
    return name
