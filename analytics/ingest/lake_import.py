"""`python -m analytics lake import`: an org's own Parquet table into the lake, validated on Spark.

    python -m analytics lake import --source PATH [--source PATH ...] --mapping FILE --lake LAKE
                                    [--kind cases|reviews] [--spark sc://host:15002] [--db FILE]

With --db, the dashboard's store is then built from the lake in the same Spark session
(`python -m analytics build --engine spark`): one command from an org's table to the store.
This module lives in the ingest package (it is an ingest: the ingest's mapping, rules and
quarantine, run on Spark) and uses the engines (analytics/engines: lake layout, translation,
Spark, build); `python -m analytics lake` is its `main` (`export` from engines/lake.py, `import`).

PATH is a Parquet file or a folder of them (read recursively; every file with the same columns).
The mapping is a data/mappings/*.toml file as the ingest reads it (analytics/ingest/mapping.py):
column names, `market_time_zone`, value maps, constants, null markers, true/false words.

On Spark, with the ingest's own SQL (one text, two engines: translate.py):
1. the org's columns become the native path's input (`native_source`: every source column as text
   f1..fN, the canonical columns as text, the mapping's value maps, null markers, constants and
   fallback columns applied as validate.py applies them), plus each row's identity: the file's
   name and its row in the file (Parquet's row index), carried through every step;
2. sql/ingest/native_<kind>_stage.sql, the DuckDB ingest's validation of a CSV export, runs as
   SQLGlot translates it: the same rules (required, parse, closed vocabularies, future, before
   1990, negative durations, a date alone as its market's midnight) give the same problems;
3. sql/ingest/native_rejected_insert.sql words them (the same reason texts, from
   native.rules_frame) into LAKE/quarantine/<kind>/, rows of `rejected_rows` (file and row,
   column, value, reason, the row as read); native_counts and native_tally count them;
4. sql/lake/import_<kind>_kept.sql keeps the latest version of each id (as the ingest's
   classify step: latest updated_at / decided_at, then the later row), written as the lake layout
   LAKE/<kind>/month=YYYY-MM/ (replacing that table, through a scratch folder renamed into place);
5. LAKE/imports/<kind>.json records the run as an `ingests` row; rows read = kept + superseded +
   rejected, or the import fails loudly (a bug, never bad input).
`python -m analytics build` then puts those records and the quarantine into the store's
`ingests` and `rejected_rows` (engines/lake.records, quarantined), which the Data page shows.

What the SQL cannot read it rejects, where the pandas ingest might read it: timestamps as text in
a form its patterns do not cover (e.g. `2025-3-1`, a year outside 1700-2199, an offset `+05`
after a time without seconds). Mappings that set `timestamp_format(s)` or a file `time_zone` are
refused with a message (the native SQL reads ISO text and naive UTC; an org's Parquet holds typed
timestamps). docs/scale-out.md says why this is a step of its own before `build`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analytics import contract, db
from analytics.engines import build, lake, open_engine, translate
from analytics.ingest import mapping as mapping_mod
from analytics.ingest import native, quarantine
from analytics.ingest.plan import decide_kind, make_plan
from analytics.ingest.report import IngestError

CARRY = ("rowid", "source_file")   # each staged row's identity: row index in its file, file name
ORDER = {"cases": ("market", "created_at"), "reviews": ("market", "decided_at")}


@dataclass
class ImportReport:
    kind: str
    ingest_id: int
    files: int
    rows_read: int = 0
    rows_kept: int = 0
    rows_superseded: int = 0
    rows_rejected: int = 0
    messages: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    @property
    def is_reconciled(self) -> bool:
        return self.rows_read == self.rows_kept + self.rows_superseded + self.rows_rejected


def source_files(paths: list[Path | str]) -> list[Path]:
    """The Parquet files of the sources (a file, or a folder read recursively), no hidden ones."""
    found: list[Path] = []
    for path in paths:
        path = lake.checked(path)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob("*.parquet") if p.is_file()
                            and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts))
        else:
            raise lake.LakeError(f"{path}: no such file or folder")
    if not found:
        raise lake.LakeError(f"{', '.join(map(str, paths))}: no .parquet files")
    return found


def _headers(files: list[Path]) -> list[str]:
    """The columns every file shares; a file with other columns is named."""
    first = None
    for path in files:
        try:
            names = pq.read_schema(path).names
        except (OSError, pa.ArrowInvalid) as error:
            raise lake.LakeError(f"{path}: not a readable Parquet file ({error})") from None
        if first is None:
            first = names
        elif names != first:
            raise lake.LakeError(f"{path}: its columns {names} differ from {files[0].name}'s {first}; "
                                 "import files of one table together, each table on its own")
    return list(first)


def _supported(the_mapping: mapping_mod.Mapping, name: str) -> None:
    unsupported = [what for what, used in (
        ("timestamp_format", the_mapping.timestamp_format or the_mapping.timestamp_formats),
        (f"time_zone = {the_mapping.time_zone!r}", the_mapping.time_zone.upper() != "UTC"))
        if used]
    if unsupported:
        raise IngestError(f"{name}: a lake import reads typed or ISO timestamps in UTC; the mapping "
                          f"sets {' and '.join(unsupported)}: convert the table's timestamps to UTC "
                          "(or ingest the files with `python -m analytics ingest`)")


def _plan(headers: list[str], the_mapping: mapping_mod.Mapping, kind: str | None, name: str):
    table = types.SimpleNamespace(headers=headers, duplicated=(), notes=())
    kind = decide_kind(kind, the_mapping, headers, name)
    return make_plan(kind, the_mapping, table, name)


def _source(spark, files: list[Path], headers: list[str], plan):
    """native_source on Spark: f1..fN (every column as text), the canonical columns as text after
    the mapping (as validate._raw and validate._text apply it), and CARRY."""
    from pyspark.sql import functions as F

    fields = [f"f{i}" for i in range(1, len(headers) + 1)]
    raw = spark.read.parquet(*[str(f) for f in files]) \
        .select("*", "_metadata.row_index", "_metadata.file_name").toDF(*fields, *CARRY)
    as_field = dict(zip(headers, fields))
    edges = f"^{native._SPACE_CLASS}+|{native._SPACE_CLASS}+$"
    the_mapping = plan.mapping
    nulls = [v for v in the_mapping.null_values]

    def text(source: str, markers: bool):
        """parsers.as_text: stripped, '' (and the null markers) as null."""
        value = F.regexp_replace(F.col(as_field[source]).cast("string"), edges, "")
        missing = value == ""
        if markers and nulls:
            missing = missing | value.isin(nulls)
        return F.when(~missing, value)

    canonical = []
    for spec in contract.TABLES[plan.kind]:
        # validate._text (null markers, value maps) reads every column but timestamps and numbers
        sources, worded = plan.sources.get(spec.name, ()), spec.type not in ("timestamp", "int", "float")
        if spec.name in the_mapping.constants:
            value = F.lit(the_mapping.constants[spec.name])
        elif not sources:
            value = F.lit(None)
        elif len(sources) == 1 and not (worded and (nulls or spec.name in the_mapping.values)):
            value = F.col(as_field[sources[0]]).cast("string")   # the stage's SQL trims it
        else:   # first non-empty source wins; null markers on every source (validate._raw)
            value = F.coalesce(*(text(s, markers=len(sources) > 1 or worded) for s in sources))
        table = the_mapping.values.get(spec.name) if worded else None
        if table:   # validate._text: the mapped value where the lower-cased text has one, '' = null
            lookup = F.create_map(*[F.lit(x) for pair in table.items() for x in pair])
            mapped = F.try_element_at(lookup, F.lower(value))
            value = F.when(mapped == "", F.lit(None)).otherwise(F.coalesce(mapped, value))
        canonical.append(value.cast("string").alias(spec.name))
    return raw.select(*(F.col(f).cast("string").alias(f) for f in fields), *canonical, *CARRY)


def _parameters(plan, headers: list[str], statement: str) -> dict:
    params = native._parameters(plan, headers)
    params["true_words"] = params["true_words"] + [w.lower() for w in plan.mapping.true_values]
    params["false_words"] = params["false_words"] + [w.lower() for w in plan.mapping.false_values]
    wanted = db.sql_parameters(statement)
    return {k: v for k, v in params.items() if k in wanted}


def _query(engine, name: str, params: dict | None = None, **options):
    statement = translate.split(db.sql_text(name), source=name, **options)
    return engine._sql(name, statement, params)


def _replace(scratch: Path, target: Path) -> None:
    """Rename scratch into target's place (the old copy removed after)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(scratch, target)
    shutil.rmtree(old, ignore_errors=True)


def _ingest_id(lake_path: Path, kind: str) -> int:
    others = [json.loads(p.read_text())["ingest_id"] for p in (lake_path / "imports").glob("*.json")
              if p.stem != kind] if (lake_path / "imports").is_dir() else []
    return max(others, default=0) + 1


def checked(sources: list[Path | str], mapping: Path | str | None, kind: str | None):
    """What an import reads, checked before Spark starts: (files, the name to report, their
    columns, the plan, its messages); a LakeError or IngestError says what is wrong."""
    files = source_files(sources)
    name = files[0].name if len(files) == 1 else f"{files[0].parent.name}/ ({len(files)} files)"
    mapping = mapping_mod.resolve_mapping(mapping)   # a shipped mapping may be named
    try:
        the_mapping = mapping_mod.load_mapping(mapping) if mapping else mapping_mod.Mapping()
    except ValueError as error:
        raise IngestError(f"{name}: {error}") from None
    _supported(the_mapping, name)
    headers = _headers(files)
    plan, messages = _plan(headers, the_mapping, kind, name)
    missing = [m for m in messages if "required column" in m]
    if missing:   # the ingest would quarantine every row; an import of a whole table refuses
        raise IngestError(missing[0].replace("every row is quarantined", "nothing imported"))
    return files, name, headers, plan, messages


def import_table(sources: list[Path | str], lake_path: Path | str, *, mapping: Path | str | None = None,
                 kind: str | None = None, spark_url: str | None = None, engine=None) -> ImportReport:
    """Validate the org's table on Spark and write it as the lake's `kind` (see the module)."""
    from analytics.engines.spark import SparkEngine

    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    clock = time.perf_counter()
    lake_path = lake.checked(lake_path)
    files, name, headers, plan, messages = checked(sources, mapping, kind)
    the_mapping = plan.mapping
    ingest_id = _ingest_id(lake_path, plan.kind)
    report = ImportReport(plan.kind, ingest_id, len(files), messages=list(messages))
    own = engine is None
    engine = engine or SparkEngine(url=spark_url)
    work = lake_path / f".import-{plan.kind}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        report.seconds["start"] = time.perf_counter() - clock
        _run(engine, files, headers, plan, ingest_id, lake_path, work, report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if own:
            engine.close()
    if not report.is_reconciled:   # a bug, never bad input: say so loudly
        raise AssertionError(f"lake import counts do not add up: {asdict(report)}")
    report.seconds["total"] = time.perf_counter() - clock
    record = dict(ingest_id=ingest_id, kind=plan.kind, file_name=name, file_sha256=None,
                  mapping_name=the_mapping.name, started_at=started_at.isoformat(),
                  finished_at=dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(),
                  rows_read=report.rows_read, rows_inserted=report.rows_kept, rows_updated=0,
                  rows_unchanged=0, rows_superseded=report.rows_superseded,
                  rows_rejected=report.rows_rejected, duration_s=report.seconds["total"])
    (lake_path / "imports").mkdir(parents=True, exist_ok=True)
    scratch = lake_path / "imports" / f".{plan.kind}.json.writing-{os.getpid()}"
    scratch.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(scratch, lake_path / "imports" / f"{plan.kind}.json")
    return report


def _run(engine, files, headers, plan, ingest_id: int, lake_path: Path, work: Path,
         report: ImportReport) -> None:
    kind, clock = plan.kind, time.perf_counter()
    spark = engine.spark
    fields = [f"f{i}" for i in range(1, len(headers) + 1)]
    _source(spark, files, headers, plan).createOrReplaceTempView("native_source")
    engine.register_arrow("native_rules", pa.Table.from_pandas(native.rules_frame(plan),
                                                               preserve_index=False),
                          work / "rules")
    engine.register_arrow("native_offset", pa.table({"n": pa.array([0], pa.int64())}), work / "offset")
    stage = f"ingest/native_{kind}_stage"
    engine._label("import: validate")
    staged = _query(engine, stage, _parameters(plan, headers, stage), expand=fields, carry=CARRY)
    staged.write.parquet(str(work / "staged"))
    spark.read.parquet(str(work / "staged")).createOrReplaceTempView("native_staged")
    report.seconds["validate"] = time.perf_counter() - clock

    clock = time.perf_counter()
    engine._label("import: quarantine")
    rejected = _query(engine, "ingest/native_rejected_insert",
                      dict(ingest_id=ingest_id, file_name=""), carry=("source_file",))
    columns = ["ingest_id", "file_name", "row_number", "column_name", "value", "reason", "raw_record"]
    rejected = rejected.drop("file_name").withColumnRenamed("source_file", "file_name").select(*columns)
    rejected.coalesce(1).write.parquet(str(work / "quarantine"))
    read, bad = _query(engine, "ingest/native_counts").first()
    tally = _query(engine, "ingest/native_tally").toArrow().to_pandas()
    report.rows_read, report.rows_rejected = int(read), int(bad)
    report.messages += quarantine.messages([tally[quarantine.TALLY_COLUMNS]], report.rows_rejected)
    report.seconds["quarantine"] = time.perf_counter() - clock

    clock = time.perf_counter()
    engine._label("import: lake")
    kept = _query(engine, f"lake/import_{kind}_kept", dict(ingest_id=ingest_id))
    order = ORDER[kind]
    kept.repartition("month").sortWithinPartitions("month", *order) \
        .write.partitionBy("month").parquet(str(work / kind))
    # from the files' footers: no Spark job, and no schema to infer when every row was rejected
    report.rows_kept = sum(pq.ParquetFile(f).metadata.num_rows for f in (work / kind).rglob("*.parquet"))
    if not report.rows_kept:   # every row rejected: an empty table, so that a build still runs
        kept.drop("month").limit(0).coalesce(1).write.parquet(str(work / kind / "month=none"))
    report.rows_superseded = report.rows_read - report.rows_rejected - report.rows_kept
    _replace(work / kind, lake_path / kind)
    _replace(work / "quarantine", lake_path / "quarantine" / kind)
    report.seconds["lake"] = time.perf_counter() - clock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics lake",
                                     description="Write the lake layout (Parquet by month).")
    sub = parser.add_subparsers(dest="action", required=True)
    lake.add_export_command(sub)
    add_arguments(sub.add_parser("import", help="Validate an org's own Parquet table on Spark (a "
                                 "mapping: columns, zones, value maps) into the lake; rejected "
                                 "rows to its quarantine; with --db, build the store too."))
    args = parser.parse_args(argv)
    return run(args) if args.action == "import" else lake.run_export(args)


def add_arguments(parser) -> None:
    parser.add_argument("--source", required=True, action="append", type=Path, metavar="PATH",
                        help="the org's Parquet table: a file or a folder of them (repeatable)")
    parser.add_argument("--mapping", help="mapping TOML, or the name of one in data/mappings/")
    parser.add_argument("--lake", required=True, type=Path, help="the lake folder to write")
    parser.add_argument("--kind", choices=mapping_mod.KINDS, help="default: the mapping's, or guessed")
    parser.add_argument("--spark", metavar="URL", help="Spark Connect URL; default: local mode")
    parser.add_argument("--db", type=Path, help="then build this store from the lake on Spark "
                        "(python -m analytics build --engine spark)")


def run(args) -> int:
    built = None
    try:
        checked(args.source, args.mapping, args.kind)   # bad input: a message before Spark starts
        engine = open_engine("spark", spark_url=args.spark)
        try:
            report = import_table(args.source, args.lake, mapping=args.mapping, kind=args.kind,
                                  engine=engine)
            if args.db:
                built = build.build("spark", args.lake, args.db, engine=engine)
        finally:
            engine.close()
    except (lake.LakeError, IngestError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ImportError as error:
        print(f"error: lake import needs {error.name or error} (pip install -r requirements.txt)",
              file=sys.stderr)
        return 2
    for line in report.messages:
        print(line)
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    print(f"imported {report.kind} into {lake.checked(args.lake)} (ingest {report.ingest_id}): "
          f"{report.rows_read:,} rows read = {report.rows_kept:,} kept + {report.rows_superseded:,} "
          f"superseded + {report.rows_rejected:,} quarantined; {stages}")
    if built is not None:
        print(f"built {args.db} on spark (build {built.build_id}): {built.rows_to_store:,} "
              "aggregate rows into the store")
    return 0
