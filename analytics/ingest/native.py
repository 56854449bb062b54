"""The native path: DuckDB reads a plain CSV export itself and validation runs in SQL
(sql/ingest/native_<kind>_stage.sql), producing the same staged rows, the same rejected_rows and
the same report as the pandas path (readers -> validate.validate_batch -> store.stage_batch), at
close to DuckDB's own loading speed and without the file ever passing through pandas.

Which files take it (`can_load`), the rest take the pandas path:
- a plain (not zipped or gzipped) CSV detected or declared as UTF-8. Parquet stays on the pandas
  path: Arrow hands pandas typed columns cheaply, and validating them in this SQL meant
  formatting every timestamp as text first, which measured no faster (bench/ingest_speed.py);
- read without a mapping, or with one that only renames columns (one source per column) and may
  set `market_time_zone`, `delimiter` or `encoding = "utf-8"`: value maps, timestamp formats, a
  `time_zone`, null markers, true/false words and constants are pandas-path features;
- every required column present (otherwise every row is quarantined: the pandas path says so);
- an ingest memory cap (ESCALATION_RADAR_INGEST_MEMORY_MB) of at least 512 MB: loading in file
  order ran out of memory on a 2 GB file at 128 MB (bench/big_file.py), where the pandas path's
  batches hold the process near 460 MB.

A file larger than ESCALATION_RADAR_INGEST_CHUNK_MB is read piece by piece (`pieces`): each
piece, whole records under the export's header, is staged, validated and appended to the staging
table before the next is written, so DuckDB holds one piece's raw text at a time and a temporary
folder one piece's bytes (before: the whole file, 12 GB in memory and 15 GB spilled at 50M rows).

What it cannot judge it hands back (`load` returns None, having taken back what earlier pieces
wrote), and the same file then takes the pandas path in the same transaction: a CSV that DuckDB's strict parser
refuses (a malformed record, mixed line endings, invalid UTF-8, a field over 2 MB) or holding
U+FFFD; a value in a format the SQL does not read (e.g. `1e3`, `2025-3-1`) that pandas would read.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from analytics import calendars, contract, db, settings
from analytics.ingest import parsers, readers, store, validate
from analytics.ingest.readers import NativeSource, Table
from analytics.ingest.validate import Plan

# What str.strip() (and so parsers.as_text) strips: every c with c.isspace(), tested.
WHITESPACE = "\x09\x0a\x0b\x0c\x0d\x1c\x1d\x1e\x1f\x20\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
# Trimming only values that need it, found by two anchored patterns, is ~50x cheaper than
# trim() with this set on every value (measured on 200k rows of summaries).
EDGE_PATTERNS = {"leading_whitespace": f"^{_SPACE_CLASS}", "trailing_whitespace": f"{_SPACE_CLASS}$"}
_DATE = r"(1[7-9]|2[01])\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_TIME = r"[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
PATTERNS = {   # what the SQL reads itself; pandas agrees on every value these match
    "naive_pattern": f"{_DATE}({_TIME})?",
    "date_pattern": _DATE,   # a date alone: midnight of the market's day (validate.TIME_OF_DAY)
    "offset_pattern": f"{_DATE}{_TIME}(Z|[+-]([01]\\d|2[0-3])(:?[0-5]\\d)?)",
    "int_pattern": r"[+-]?\d{1,9}(\.0*)?",
    "float_pattern": r"[+-]?(\d{1,15}(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?",
}
VOCABULARIES = {"statuses": "status", "sources": "source", "priorities": "priority",
                "appeal_outcomes": "appeal_outcome"}
VARCHAR = duckdb.sqltype("VARCHAR")
GLOB_CHARACTERS = set("*?[]{}")
SMALL_MEMORY_MB = 512   # below this cap the file-order load runs on one thread (sql/ingest/threads.sql)


def can_load(table: Table, plan: Plan) -> bool:
    """Whether `table` may take the native path (see the module docstring)."""
    source, mapping = table.native, plan.mapping
    if source is None or source.encoding not in ("utf-8", "utf-8-sig"):
        return False
    plain = not (mapping.constants or mapping.timestamp_format or mapping.timestamp_formats
                 or mapping.values or mapping.null_values or mapping.true_values
                 or mapping.false_values) and mapping.time_zone.upper() == "UTC"
    required = all(spec.name in plan.sources for spec in contract.TABLES[plan.kind] if spec.required)
    roomy = store.memory_mb() >= SMALL_MEMORY_MB   # see the module docstring
    return roomy and plain and required and all(len(s) == 1 for s in plan.sources.values())


def load(con: duckdb.DuckDBPyConnection, table: Table, plan: Plan, ingest_id: int,
         name: str, progress=None, work_dir: Path | None = None
         ) -> tuple[int, int, list[pd.DataFrame], int] | None:
    """Stage and quarantine the whole file, piece by piece; (rows read, rows rejected, [problem
    tally], rows kept with a duration over a year), or None if the pandas path must: then what
    the pieces before wrote is taken back (the staging table emptied, this ingest's quarantined
    rows deleted), so the pandas path starts from nothing. `progress(fraction of the file's bytes,
    message)` after each piece; the pieces are written under `work_dir` (the ingest's spill
    folder, which a killed ingest's successor removes), else in the system's temporary folder."""
    read = rejected = long = done = 0
    size = max(1, table.native.path.stat().st_size)
    tallies: list[pd.DataFrame] = []
    con.register("native_rules", rules_frame(plan))
    try:
        for piece in pieces(table.native.path, chunk_bytes(), work_dir=work_dir):
            loaded = _load_piece(con, piece, table, plan, ingest_id, name, read)
            read, rejected, long = read + loaded[0], rejected + loaded[1], long + loaded[3]
            tallies.append(loaded[2])
            readers.check_rows(read)   # a file over the row cap stops here, not at its end
            done += Path(piece).stat().st_size
            if progress is not None:
                progress(min(1.0, done / size), f"{name}: read {read:,} rows, {rejected:,} rejected")
    except NotNative:
        _take_back(con, plan.kind, ingest_id)
        return None
    finally:
        db.run_sql(con, "ingest/native_drop").fetchall()
        con.unregister("native_rules")
    return read, rejected, [_merged(tallies)], long


def _load_piece(con, path: str, table: Table, plan: Plan, ingest_id: int, name: str,
                row_offset: int) -> tuple[int, int, pd.DataFrame, int]:
    """One piece (a CSV file of whole records under the export's header) staged and quarantined,
    its rows numbered after the `row_offset` rows before it; NotNative if the pandas path must."""
    db.run_sql(con, "ingest/native_drop").fetchall()
    if not _stage(con, table.native, table.headers, plan, path):
        raise NotNative
    read, rejected = (int(n) for n in db.run_sql(con, "ingest/native_counts").fetchall()[0])
    if _pandas_reads_odd_values(con, plan):
        raise NotNative
    db.run_sql(con, "ingest/native_offset", row_offset=row_offset).fetchall()
    db.run_sql(con, "ingest/native_valid_rows").fetchall()
    db.run_sql(con, f"ingest/{plan.kind}_stage_batch").fetchall()
    db.run_sql(con, "ingest/native_rejected_insert", ingest_id=ingest_id, file_name=name).fetchall()
    tally = db.query_df(con, "ingest/native_tally")
    long = (int(db.run_sql(con, "ingest/native_long_durations").fetchall()[0][0])
            if plan.kind == "cases" else 0)
    return read, rejected, tally, long


def _take_back(con: duckdb.DuckDBPyConnection, kind: str, ingest_id: int) -> None:
    """Undo what earlier pieces wrote inside the ingest's transaction (see `load`)."""
    db.run_sql(con, f"ingest/{kind}_create_incoming").fetchall()   # an empty staging table
    db.run_sql(con, "ingest/rejected_delete_ingest", ingest_id=ingest_id).fetchall()


def _merged(tallies: list[pd.DataFrame]) -> pd.DataFrame:
    """The pieces' tallies as the whole file's one: rows summed, the first row and value from the
    first piece that has the problem, in validate.py's order (rule_order)."""
    if len(tallies) == 1:
        return tallies[0].drop(columns="rule_order")
    frame = pd.concat(tallies, ignore_index=True)
    merged = (frame.groupby(["column_name", "rule", "rule_order"], sort=False, dropna=False)
              .agg(rows=("rows", "sum"), first_row=("first_row", "min"),
                   first_value=("first_value", "first"))
              .reset_index().sort_values("rule_order", kind="stable"))
    return merged.drop(columns="rule_order").reset_index(drop=True)


def chunk_bytes() -> int:
    """How much of a CSV export one piece holds (setting ESCALATION_RADAR_INGEST_CHUNK_MB)."""
    return max(1, int(float(settings.get("ESCALATION_RADAR_INGEST_CHUNK_MB")) * 2**20))


class NotNative(Exception):
    """The file holds what only the pandas path judges (see `_holds_replacement_character`)."""


def pieces(path: Path, target: int, block: int = 8 << 20,
           work_dir: Path | None = None) -> Iterator[str]:
    """The export as DuckDB should read it, piece by piece: the file itself (as a literal_path)
    when it is at most `target` bytes, else files of whole records of about `target` bytes each,
    every one under the export's header record, written one at a time to a temporary folder (in
    `work_dir` unless its name has glob characters) and deleted once the next is asked for
    (temporary disk: one piece). A record ends at a line feed
    outside quotes: after an even number of quote characters, as RFC 4180's doubled quotes keep
    it. Raises NotNative where `_holds_replacement_character` would say True: a NUL byte, U+FFFD
    (searched across block edges) or an odd number of quotes in the file."""
    if path.stat().st_size <= target:
        if _holds_replacement_character(path):
            raise NotNative
        with literal_path(path) as link:
            yield link
        return
    if work_dir is not None and not set(str(work_dir)) & GLOB_CHARACTERS:
        work_dir.mkdir(parents=True, exist_ok=True)
    else:
        work_dir = None
    folder = Path(tempfile.mkdtemp(prefix="escalation-radar-pieces-", dir=work_dir))
    piece = folder / "export.csv"
    if set(str(piece)) & GLOB_CHARACTERS:
        raise ValueError(f"the temporary folder {folder} has glob characters in its name")
    try:
        yield from _split(path, piece, target, block)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _split(path: Path, piece: Path, target: int, block: int) -> Iterator[str]:
    """`pieces` for a file over `target` bytes: `piece` written and yielded once per run of
    records (see `pieces`)."""
    carry = b""
    header, opening = None, b""   # the header record; the bytes read while it is still open
    out, written, odd = None, 0, False   # odd: an odd number of quotes since the piece's last record
    with open(path, "rb") as fh, contextlib.ExitStack() as closing:
        for data in iter(lambda: fh.read(block), b""):
            if _pandas_must_read(carry, data):
                raise NotNative
            carry = data[-(len(REPLACEMENT) - 1):]
            if header is None:   # the header record may span blocks
                opening += data
                end = _record_end(opening, 0, False)
                if end < 0:
                    continue
                header, data, opening = opening[:end], opening[end:], b""
            while data:
                if out is None:
                    out, written = closing.enter_context(open(piece, "wb")), 0
                    out.write(header)
                start = max(0, target - written)
                end = -1 if start >= len(data) else _record_end(
                    data, start, odd ^ bool(data.count(b'"', 0, start) & 1))
                if end < 0:   # the piece goes on into the next block
                    out.write(data)
                    written += len(data)
                    odd ^= bool(data.count(b'"') & 1)
                    break
                out.write(data[:end])
                out.close()
                out, odd, data = None, False, data[end:]
                yield str(piece)
    if header is None:   # a header record and nothing after it
        if opening.count(b'"') % 2:
            raise NotNative
        piece.write_bytes(opening)
        yield str(piece)
        return
    if odd:
        raise NotNative   # a quote never closed
    if out is not None:
        out.close()
        yield str(piece)


def _record_end(data: bytes, start: int, odd: bool) -> int:
    """The index just past the first line feed at or after `start` that ends a record (outside
    quotes, `odd` being whether an odd number of quotes came before `start`), or -1.

    >>> _record_end(b'a,"x\\ny"\\nb\\n', 0, False), _record_end(b'a\\nb', 2, False)
    (8, -1)
    """
    position = start
    while True:
        line_feed = data.find(b"\n", position)
        if line_feed < 0:
            return -1
        odd ^= bool(data.count(b'"', position, line_feed) & 1)
        if not odd:
            return line_feed + 1
        position = line_feed + 1


def _stage(con: duckdb.DuckDBPyConnection, source: NativeSource, headers: list[str],
           plan: Plan, path: str) -> bool:
    """Create native_staged from `path` (a piece: `pieces`); False if DuckDB cannot read it the
    way pandas would."""
    _source_relation(con, source, headers, plan, path).create_view("native_source", replace=True)
    return _stage_from_view(con, headers, plan)


def _stage_from_view(con: duckdb.DuckDBPyConnection, headers: list[str], plan: Plan) -> bool:
    """Create native_staged from the view native_source; False if DuckDB's strict parser refuses."""
    statement = f"ingest/native_{plan.kind}_stage"
    wanted = db.sql_parameters(statement)
    params = {k: v for k, v in _parameters(plan, headers).items() if k in wanted}
    threads, in_order = db.run_sql(con, "ingest/native_settings").fetchall()[0]
    if store.memory_mb() < SMALL_MEMORY_MB:
        db.run_sql(con, "ingest/threads", threads=1).fetchall()
    db.run_sql(con, "ingest/insertion_order", on=True).fetchall()   # rowid + 1 = row number
    try:
        db.run_sql(con, statement, **params).fetchall()
    except (duckdb.InvalidInputException, duckdb.ConversionException):
        return False   # strict CSV parsing failed: a malformed record, odd line endings, bad UTF-8
    finally:
        db.run_sql(con, "ingest/threads", threads=int(threads)).fetchall()
        db.run_sql(con, "ingest/insertion_order", on=bool(in_order)).fetchall()
    return True


def _holds_replacement_character(path, block: int = 8 << 20) -> bool:
    """U+FFFD or a NUL byte in the file: the pandas path says which rows (validate._invalid_bytes);
    or an odd number of quote characters: a quote never closed, which DuckDB (like every CSV
    reader) reads as one field running to the end of the file, and the pandas path takes apart
    (csv_reader's module docstring). Read in blocks (a 2 GB file never sits in memory), each
    searched with the previous block's last two bytes, so a character split across blocks is
    still found.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = f.write_bytes(b"a" * 5 + "\ufffd".encode() + b"b")
    >>> _holds_replacement_character(f, block=6), _holds_replacement_character(f, block=64)
    (True, True)
    """
    carry, quotes = b"", 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(block), b""):
            if _pandas_must_read(carry, chunk):
                return True
            carry = chunk[-(len(REPLACEMENT) - 1):]
            quotes += chunk.count(b'"')
    return quotes % 2 == 1


REPLACEMENT = "\ufffd".encode()


def _pandas_must_read(carry: bytes, block: bytes) -> bool:
    """U+FFFD in `block` (or across its edge with `carry`, the previous block's last bytes) or a
    NUL byte: values the pandas path quarantines by row (validate._invalid_bytes)."""
    return REPLACEMENT in carry + block or b"\x00" in block


@contextlib.contextmanager
def literal_path(path: Path) -> Iterator[str]:
    """A name for `path` that DuckDB reads as exactly that one file.

    read_csv takes its argument as a glob (`?.csv` also read `a.csv`), a leading `~` as the home
    folder and a suffix such as `.zst` as a compression: a link named `export.csv` in a fresh
    temporary folder has none of these, whatever the file is called."""
    folder = Path(tempfile.mkdtemp(prefix="escalation-radar-native-"))
    try:
        link = folder / "export.csv"
        link.symlink_to(path.resolve())
        if set(str(link)) & GLOB_CHARACTERS:   # a TMPDIR with glob characters: refuse, never guess
            raise ValueError(f"the temporary folder {folder} has glob characters in its name")
        yield str(link)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _source_relation(con, source: NativeSource, headers: list[str], plan: Plan, path: str):
    """The export (read from `path`, a literal_path) with every source column as f1..fN and the
    canonical columns as text."""
    column_of = {sources[0]: canonical for canonical, sources in plan.sources.items()}
    read = _relation(con, "ingest/native_read_csv", path=path, delimiter=source.delimiter,
                     columns={f"f{i}": "VARCHAR" for i in range(1, len(headers) + 1)})
    fields = [duckdb.ColumnExpression(f"f{i}") for i in range(1, len(headers) + 1)]
    raw = dict(zip(headers, fields))
    canonical = [(raw[s] if s in raw else None, c) for s, c in column_of.items()]
    present = {c for _, c in canonical}
    canonical += [(None, spec.name) for spec in contract.TABLES[plan.kind] if spec.name not in present]
    return read.project(*fields, *((duckdb.ConstantExpression(None).cast(VARCHAR) if e is None
                                    else e).alias(c) for e, c in canonical))


def _relation(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyRelation:
    """One sql/ file as a relation (to project further), parameters bound as db.run_sql binds them."""
    if set(params) != db.sql_parameters(name):
        raise ValueError(f"sql/{name}.sql takes {sorted(db.sql_parameters(name))}")
    return con.sql(db.sql_text(name), params=params)


def _spec(kind: str, name: str) -> contract.Column:
    return next(spec for spec in contract.TABLES[kind] if spec.name == name)


def _parameters(plan: Plan, headers: list[str]) -> dict:
    zones = {code: cal.time_zone for code, cal in calendars.load_calendars().items()}
    params = {"whitespace": WHITESPACE, **EDGE_PATTERNS, **PATTERNS,
              "true_words": [w.lower() for w in parsers.TRUE_WORDS],
              "false_words": [w.lower() for w in parsers.FALSE_WORDS],
              "latest": validate.latest_plausible().to_pydatetime(),
              "earliest": validate.EARLIEST.to_pydatetime(), "zone_markets": list(zones),
              "zones": list(zones.values()),
              "default_zone": plan.mapping.market_time_zone, "headers": headers}
    if plan.kind == "cases":
        for param, column in VOCABULARIES.items():
            params[param] = list(_spec("cases", column).allowed)
            params[f"{param}_keys"] = [a.lower() for a in params[param]]
    return params


def _pandas_reads_odd_values(con: duckdb.DuckDBPyConnection, plan: Plan) -> bool:
    """Whether pandas would read a value the SQL took for unreadable (then pandas must load)."""
    odd = db.query_df(con, "ingest/native_odd_values")
    for column, values in odd.groupby("column_name"):
        spec = _spec(plan.kind, column)
        text = values["value"].astype("str").reset_index(drop=True)
        if spec.type == "timestamp":
            _, bad = parsers.parse_timestamps(text, zone=plan.mapping.time_zone)
        else:
            _, bad = parsers.parse_numbers(text, integer=spec.type == "int")
        if not bad.all():
            return True
    return False


def rules_frame(plan: Plan) -> pd.DataFrame:
    """Every (column, check) the SQL may report, with the text validate.py gives it, in the
    order validate.py finds problems (so tallies and messages come out in the same order)."""
    rows = []
    for spec in contract.TABLES[plan.kind]:
        if spec.name in plan.sources:
            if validate.parse_template(spec, plan.mapping):
                rows.append((spec.name, "parse", validate.parse_template(spec, plan.mapping)))
            if spec.required:
                rows.append((spec.name, "required", validate.REQUIRED_TEMPLATE))
    for spec in contract.TABLES[plan.kind]:
        if spec.type == "timestamp" and spec.name in plan.sources:
            if spec.name not in validate.DUE_COLUMNS:
                rows.append((spec.name, "future", validate.FUTURE_TEMPLATE))
            rows.append((spec.name, "early", validate.EARLY_TEMPLATE))
    for later, earlier in validate.ORDER_RULES[plan.kind]:
        rows.append((later, "order", validate.order_template(earlier)))
    frame = pd.DataFrame(rows, columns=["column_name", "check_name", "template"])
    parts = frame["template"].str.partition("{}")
    return frame.assign(
        reported=frame["column_name"].map(lambda c: plan.sources.get(c, (c,))[0]),
        rule=frame["template"].map(validate.rule_of), prefix=parts[0], suffix=parts[2],
        has_value=frame["template"].str.contains("{}", regex=False),
        rule_order=range(len(frame))).drop(columns="template")
