"""`python -m analytics build --engine spark|duckdb --lake PATH --db FILE`: the dashboard's store
built from the lake on one engine.

1. The engine reads the lake (lake.py) and the reference tables (markets, SLA policies, the
   calendars' business clock) of an empty store set up by this code and configuration.
2. It creates the staging views and materialises the derived tables in order, from the same
   `sql/` files (translated by SQLGlot for Spark), each as Parquet files under
   LAKE/serving/<build id>/<table>/.
3. The DuckDB file is then written through db.writer (copy, write, checkpoint, atomic rename, the
   data version the caches key on changes with it): the aggregates the pages read (cubes, KPI
   tables and sketches, market clock: thousands to millions of rows) are inserted as tables; the
   per-case tables (cases, reviews, the fact table, the business clock per case, the review mix)
   become views over the lake's Parquet files, read by DuckDB's Parquet reader with the filters
   pushed down (a drill-down of one market and month reads those row groups only). The search
   table (80_case_search) is built by DuckDB from those views: search stays DuckDB-sized.
Old build folders are removed, except the one before (an open reader may still read it).
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from analytics import db
from analytics.engines import ENGINES, lake, open_engine

REFERENCE = ("markets", "sla_policies", "market_working_hours", "business_intervals_lookup")
VIEWS = ("staging/stg_cases", "staging/stg_cases_activity", "staging/stg_reviews",
         "staging/stg_market_clock", "staging/stg_cases_business_time")


@dataclass(frozen=True)
class Step:
    sql: str                  # the file that defines the table
    table: str
    per_case: bool            # stays in the lake (a view in the store) rather than copied in
    params: dict = field(default_factory=dict)


STEPS = (
    Step("derived/20_case_business_time", "case_business_time", True),
    Step("derived/30_review_case_mix", "review_case_mix", True),
    Step("derived/35_case_mix_cells", "case_mix_cells", False),
    Step("derived/40_fact_case_activity", "fact_case_activity", True),
    Step("derived/50_cube_cases_daily", "cube_cases_daily", False),
    Step("derived/51_cube_cases_hourly", "cube_cases_hourly", False),
    Step("derived/60_market_clock", "market_clock", False),
    # kpi_weekly's derived file creates it empty for the chunked DuckDB fill: here its query runs
    # over every day in one pass
    Step("fragments/kpi_weekly_cells", "kpi_weekly", False, db.WHOLE_RANGE),
    Step("derived/71_kpi_daily", "kpi_daily", False, db.WHOLE_RANGE),
    Step("derived/72_kpi_sketch_daily", "kpi_sketch_daily", False, db.WHOLE_RANGE),
    Step("derived/73_kpi_sketch_weekly", "kpi_sketch_weekly", False, db.WHOLE_RANGE),
    Step("derived/74_kpi_sketch_running", "kpi_sketch_running", False),
)
LAKE_VIEWS = ("cases", "reviews", *(s.table for s in STEPS if s.per_case))
SERVED_LOCALLY = ("80_case_search",)


@dataclass
class BuildReport:
    engine: str
    build_id: str
    seconds: dict = field(default_factory=dict)     # stage -> seconds
    rows: dict = field(default_factory=dict)        # table -> rows written
    rows_to_store: int = 0                          # aggregate rows copied into the DuckDB file


def _template() -> Path:
    """An empty store of this code and configuration (schema, reference tables, business clock)."""
    fingerprint = db.schema_fingerprint()
    template = db._empty_template(fingerprint)
    if template is None:
        raise RuntimeError("cannot write the empty-store template (cache folder not writable)")
    return template


def _reference(template: Path) -> dict[str, pa.Table]:
    with db.reader(template) as con:
        return {name: con.sql(f'select * from "{name}"').to_arrow_table() for name in REFERENCE}


def _schemas(template: Path) -> dict[str, pa.Schema]:
    with db.reader(template) as con:
        return {name: con.sql(f'select * from "{name}" limit 0').to_arrow_table().schema
                for name in ("cases", "reviews")}


def run_engine(engine, lake_path: Path, out: Path, report: BuildReport, progress=None) -> None:
    """Steps 1 and 2: the engine reads the lake and writes every derived table under out/;
    `progress(stage, seconds, rows)` after each (a long run's finished stages are known before
    it ends: bench/spark_build.py)."""
    progress = progress or (lambda stage, seconds, rows: None)
    template = _template()
    started = time.perf_counter()
    schemas = _schemas(template)
    for table in ("cases", "reviews"):
        engine.register_parquet(table, lake.files(lake_path, table), schemas[table])
    for name, rows in _reference(template).items():
        engine.register_arrow(name, rows, out / "_reference" / name)
    for view in VIEWS:
        engine.view(view)
    report.seconds["register"] = time.perf_counter() - started
    progress("register", report.seconds["register"], None)
    for step in STEPS:
        started = time.perf_counter()
        report.rows[step.table] = engine.materialise(
            step.sql, dict(step.params), out / step.table,
            name=step.table if step.sql.startswith("fragments/") else None)
        report.seconds[step.table] = time.perf_counter() - started
        progress(step.table, report.seconds[step.table], report.rows[step.table])


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.parquet") if not p.name.startswith((".", "_")))


def _view_over(con: duckdb.DuckDBPyConnection, table: str, files: list[Path]) -> None:
    """Replace `table` by a view over Parquet files, cast to the table's own column types (the
    pages see the same schema whichever engine wrote the files). File names are literals, checked
    free of glob characters (lake.checked); no user value enters the text otherwise."""
    columns = con.execute(f'select column_name, column_type from (describe "{table}")').fetchall()
    con.execute(f'drop table if exists "{table}"')
    con.execute(f'drop view if exists "{table}"')
    if files:
        source = "read_parquet([" + ", ".join(_literal(str(f)) for f in files) + "])"
        select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
    else:   # e.g. no reviews: an empty view of the right columns
        source = "(select 1) as nothing where false"
        select = ", ".join(f'cast(null as {t}) as "{c}"' for c, t in columns)
    con.execute(f'create view "{table}" as select {select} from {source}')


def _store_imports(con: duckdb.DuckDBPyConnection, lake_path: Path) -> None:
    """The lake imports' runs and rejected rows (analytics/ingest/lake_import.py) as the store's
    `ingests` and `rejected_rows`, which the Data page shows."""
    for record in lake.records(lake_path):
        params = {**record, **{k: dt.datetime.fromisoformat(record[k])
                               for k in ("started_at", "finished_at")}}
        db.run_sql(con, "ingest/ingests_insert", **params).fetchall()
    files = lake.quarantined(lake_path)
    if files:
        con.execute("insert into rejected_rows by name select * from read_parquet(?)",
                    [[str(f) for f in files]])


def write_store(db_path: Path, lake_path: Path, out: Path, report: BuildReport) -> None:
    """Step 3: the DuckDB file, atomically (db.writer: copy, write, checkpoint, rename)."""
    started = time.perf_counter()
    with db.writer(db_path, derived="keep", start_empty=True) as con:
        for table in ("cases", "reviews"):
            _view_over(con, table, lake.files(lake_path, table))
        for step in STEPS:
            files = _parquet_files(out / step.table)
            if step.per_case:
                _view_over(con, step.table, files)
            elif files:
                con.execute(f'delete from "{step.table}"')
                con.execute(f'insert into "{step.table}" by name select * from read_parquet(?)',
                            [[str(f) for f in files]])
                report.rows_to_store += report.rows[step.table]
        _store_imports(con, lake_path)
        for name in SERVED_LOCALLY:
            db.run_sql(con, f"derived/{name}")
    report.seconds["store"] = time.perf_counter() - started


def _prune(serving: Path, keep: set[str]) -> None:
    for folder in serving.iterdir() if serving.is_dir() else ():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def build(engine_name: str, lake_path: Path | str, db_path: Path | str, *,
          spark_url: str | None = None, engine=None, progress=None) -> BuildReport:
    """The whole build; `engine` may be an open engine (tests share one Spark session);
    `progress` as in run_engine."""
    lake_path, db_path = lake.checked(lake_path), Path(db_path)
    serving = lake_path / "serving"
    previous = {p.name for p in serving.iterdir()} if serving.is_dir() else set()
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    out = serving / build_id
    report = BuildReport(engine_name if engine is None else engine.name, build_id)
    own = engine is None
    started = time.perf_counter()
    engine = engine or open_engine(engine_name, spark_url=spark_url, work_dir=None)
    report.seconds["start"] = time.perf_counter() - started
    try:
        run_engine(engine, lake_path, out, report, progress)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        if own:
            engine.close()
    try:
        write_store(db_path, lake_path, out, report)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    newest_before = max(previous) if previous else None
    _prune(serving, {build_id, *([newest_before] if newest_before else [])})
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analytics build",
        description="Build the dashboard's store from the lake (Parquet) on Spark or DuckDB.")
    parser.add_argument("--engine", choices=ENGINES, default="spark")
    parser.add_argument("--lake", required=True, type=Path, help="the lake folder (analytics/engines/lake.py)")
    parser.add_argument("--db", required=True, type=Path, help="the DuckDB file the app opens")
    parser.add_argument("--spark", metavar="URL", help="Spark Connect URL (sc://host:15002); "
                        "default: local mode")
    args = parser.parse_args(argv)
    if args.spark and args.engine != "spark":
        parser.error("--spark needs --engine spark")
    try:
        report = build(args.engine, args.lake, args.db, spark_url=args.spark)
    except (lake.LakeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ImportError as error:   # the Spark engine without pyspark installed
        print(f"error: --engine {args.engine} needs {error.name or error} "
              "(pip install -r requirements.txt)", file=sys.stderr)
        return 2
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    print(f"built {args.db} on {report.engine} (build {report.build_id}): "
          f"{report.rows_to_store:,} aggregate rows into the store; {stages}")
    return 0
