"""Time `python -m analytics build` on DuckDB and on local Spark in the same run (issue 19 point 6).

    nice -n 10 python bench/spark_build.py --source /tmp/scale/data/cases_1000000.parquet \
        --reviews /tmp/scale/data/reviews_1000000.parquet --work /tmp/work/spark19/b1m
    nice -n 10 python bench/spark_build.py --db /tmp/scale/search_1000000.duckdb --work /tmp/sb1m

1. the lake: with --source, `lake import` of the org's Parquet files on Spark (validation and
   quarantine, analytics/ingest/lake_import.py; timed, its stages in the event log like the
   build's), with --ingest-duckdb also `python -m analytics ingest` of the same files on DuckDB
   for comparison; with --db, `lake export` of the database's cases and reviews; either unless
   the lake is there already;
2. the build on DuckDB, then on Spark in local mode (`local[2]`, the engine's defaults), each into
   its own store; per table: seconds, rows; the aggregate rows moved into the serving store;
3. from Spark's event log (spark.eventLog.enabled): per table, its stages' executor run time
   (CPU-seconds of tasks), shuffle bytes written and read, and wall time;
4. an extrapolation to --target cases on a stated cluster: every table's CPU time (tasks' CPU,
   not their run time, which a loaded machine inflates with waiting) and shuffle
   bytes scale with the cases (linear: each step is a scan, a hash aggregate or a sort of
   rows per case; the fit uses the two sizes when --fit-with gives a second run's JSON),
   divided among the cluster's cores at a stated efficiency, plus the shuffle over its network.
Prints a table and writes <work>/spark_build.json. Load (uptime) is printed with the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.engines import build, lake

# the cluster of the extrapolation (docs/scale-out.md): 20 workers x 8 cores, 10 Gbit/s each
CLUSTER = dict(workers=20, cores_per_worker=8, efficiency=0.6, network_gbit_per_worker=10)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _text(path: Path) -> str:
    """An event-log file's text; Spark 4 compresses them with zstd by default (a file still being
    written is read up to where its frames end)."""
    if not path.name.endswith(".zstd"):
        return path.read_text(encoding="utf-8", errors="replace")
    import zstandard
    chunks = []
    with path.open("rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as reader:
        try:
            while chunk := reader.read(1 << 20):
                chunks.append(chunk)
        except zstandard.ZstdError:
            pass
    return b"".join(chunks).decode("utf-8", errors="replace")


def event_metrics(log_dir: Path) -> dict[str, dict]:
    """Per job group (table): executor run time (s), shuffle bytes written/read, stage wall (s)."""
    groups: dict[int, str] = {}
    out: dict[str, dict] = defaultdict(lambda: dict(task_s=0.0, cpu_s=0.0, gc_s=0.0, spill=0,
                                                    shuffle_write=0, shuffle_read=0,
                                                    stage_wall_s=0.0, stages=0))
    # Spark 4 writes a rolling log: eventlog_v2_<app>/events_<n>_<app>[.inprogress]
    for path in sorted(p for p in log_dir.rglob("*") if p.is_file() and p.name.startswith("events")):
        for line in _text(path).splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:   # the line being written
                continue
            kind = event.get("Event")
            if kind == "SparkListenerJobStart":
                group = (event.get("Properties") or {}).get("spark.jobGroup.id") or "(other)"
                for stage in event.get("Stage IDs", []):
                    groups[stage] = group
            elif kind == "SparkListenerStageCompleted":
                info = event["Stage Info"]
                table = groups.get(info["Stage ID"], "(other)")
                row = out[table]
                row["stages"] += 1
                if info.get("Submission Time") and info.get("Completion Time"):
                    row["stage_wall_s"] += (info["Completion Time"] - info["Submission Time"]) / 1e3
                for acc in info.get("Accumulables", []):
                    name, value = acc.get("Name", ""), acc.get("Value")
                    if not isinstance(value, (int, float)) and not str(value).isdigit():
                        continue
                    value = float(value)
                    if name == "internal.metrics.executorRunTime":
                        row["task_s"] += value / 1e3
                    elif name == "internal.metrics.executorCpuTime":
                        row["cpu_s"] += value / 1e9
                    elif name == "internal.metrics.jvmGCTime":
                        row["gc_s"] += value / 1e3
                    elif name == "internal.metrics.diskBytesSpilled":
                        row["spill"] += int(value)
                    elif name == "internal.metrics.shuffle.write.bytesWritten":
                        row["shuffle_write"] += int(value)
                    elif name in ("internal.metrics.shuffle.read.remoteBytesRead",
                                  "internal.metrics.shuffle.read.localBytesRead"):
                        row["shuffle_read"] += int(value)
    return dict(out)


def report_metrics(metrics: dict[str, dict]) -> None:
    print(f"  {'table':22s} {'task s':>9} {'cpu s':>8} {'gc s':>6} {'spill MB':>9} {'shuffle MB':>11} "
          f"{'stage wall s':>12}")
    for table, m in sorted(metrics.items()):
        print(f"  {table:22s} {m['task_s']:9.1f} {m['cpu_s']:8.1f} {m.get('gc_s', 0):6.1f} "
              f"{m.get('spill', 0) / 1e6:9.1f} {m['shuffle_write'] / 1e6:11.1f} {m['stage_wall_s']:12.1f}")


def extrapolate(cases: int, metrics: dict[str, dict], target: int, fit: dict | None) -> dict:
    """Wall time on CLUSTER for `target` cases from task seconds and shuffle bytes measured here."""
    cores = CLUSTER["workers"] * CLUSTER["cores_per_worker"]
    net_bytes_s = CLUSTER["workers"] * CLUSTER["network_gbit_per_worker"] * 1e9 / 8
    rows, total = [], 0.0
    for table, m in sorted(metrics.items()):
        if fit and table in fit["metrics"]:   # two sizes: slope per case, intercept dropped
            other = fit["metrics"][table]
            d = cases - fit["cases"]
            per_case_task = (m["cpu_s"] - other["cpu_s"]) / d if d else m["cpu_s"] / cases
            per_case_shuffle = (m["shuffle_write"] - other["shuffle_write"]) / d if d else 0
        else:
            per_case_task, per_case_shuffle = m["cpu_s"] / cases, m["shuffle_write"] / cases
        per_case_task, per_case_shuffle = max(per_case_task, 0.0), max(per_case_shuffle, 0.0)
        task = per_case_task * target
        shuffle = per_case_shuffle * target
        wall = task / (cores * CLUSTER["efficiency"]) + shuffle / net_bytes_s
        rows.append(dict(table=table, cpu_s=task, shuffle_bytes=shuffle, wall_s=wall))
        total += wall
    # a table the run did not reach (a run stopped early): from the other size alone
    for table, other in sorted((fit or {}).get("metrics", {}).items()):
        if table in metrics:
            continue
        task = other["cpu_s"] / fit["cases"] * target
        shuffle = other["shuffle_write"] / fit["cases"] * target
        wall = task / (cores * CLUSTER["efficiency"]) + shuffle / net_bytes_s
        rows.append(dict(table=table, cpu_s=task, shuffle_bytes=shuffle, wall_s=wall,
                         from_other_size=True))
        total += wall
    return dict(cluster=CLUSTER, cores=cores, target=target, tables=rows, total_wall_s=total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--refit", type=Path, metavar="JSON|DIR",
                        help="no run: the extrapolation of a spark_build.json (or of a run's work "
                             "folder, also of a run stopped early) again (with --fit-with)")
    source.add_argument("--db", type=Path, help="a database holding the cases (lake export)")
    source.add_argument("--compare", type=Path, nargs=2, metavar="STORE",
                        help="no run: two stores' aggregate tables compared (rows, column sums)")
    source.add_argument("--source", type=Path, help="cases as Parquet (lake import on Spark)")
    parser.add_argument("--reviews", type=Path, help="with --source: reviews as Parquet")
    parser.add_argument("--ingest-duckdb", action="store_true",
                        help="with --source: also time `analytics ingest` of the files on DuckDB")
    parser.add_argument("--driver-memory", default="1g", help="local Spark's driver memory")
    parser.add_argument("--work", type=Path, help="folder for the lake and stores")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--target", type=int, default=1_000_000_000)
    parser.add_argument("--fit-with", type=Path, help="spark_build.json of another size")
    args = parser.parse_args(argv)
    if args.refit:
        return _refit(args)
    if args.compare:
        return 0 if _print_comparison(compare_stores(*args.compare)) else 1
    if args.work is None:
        parser.error("--work is needed for a run")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    lake_path = work / "lake"
    result: dict = dict(db=str(args.db), source=str(args.source), load_before=_load())
    spark_engine = None
    if "spark" in args.engines.split(",") or (args.source and not (lake_path / "cases").is_dir()):
        from analytics.engines.spark import SparkEngine
        events = work / "events-spark"
        shutil.rmtree(events, ignore_errors=True)
        events.mkdir()
        started = time.perf_counter()
        spark_engine = SparkEngine(conf={"spark.eventLog.enabled": "true",
                                         "spark.eventLog.compress": "false",
                                         "spark.eventLog.dir": f"file://{events}",
                                         "spark.driver.memory": args.driver_memory})
        result["spark_start_s"] = time.perf_counter() - started
    if args.source and not (lake_path / "cases").is_dir():
        result["import"] = _import(args, lake_path, spark_engine, work)
    elif not (lake_path / "cases").is_dir():
        started = time.perf_counter()
        written = lake.export(args.db, lake_path)
        result["lake_export_s"] = time.perf_counter() - started
        print(f"lake export: {written} in {result['lake_export_s']:.1f} s")
    result["cases"] = cases = sum(
        __import__("pyarrow.parquet", fromlist=["x"]).ParquetFile(f).metadata.num_rows
        for f in lake.files(lake_path, "cases"))
    for name in args.engines.split(","):
        engine = spark_engine if name == "spark" else None
        started = time.perf_counter()
        report = build.build(name, lake_path, work / f"{name}.duckdb", engine=engine,
                             progress=_progress(work / f"progress-{name}.jsonl", name))
        total = time.perf_counter() - started
        if engine is not None:
            report.seconds["start"] = result["spark_start_s"]
        result[name] = dict(total_s=total, seconds=report.seconds, rows=report.rows,
                            rows_to_store=report.rows_to_store, load_after=_load())
        print(f"{name}: {total:.1f} s (+ start {report.seconds.get('start', 0):.1f} s), "
              f"{report.rows_to_store:,} aggregate rows to the store; load {_load()}")
        for table, seconds in report.seconds.items():
            print(f"  {table:22s} {seconds:8.1f} s  {report.rows.get(table, ''):>12}")
        if name == "spark":
            metrics = event_metrics(work / "events-spark")
            result["spark"]["metrics"] = metrics
            fit = json.loads(args.fit_with.read_text()) if args.fit_with else None
            fit = dict(cases=fit["cases"], metrics=fit["spark"]["metrics"]) if fit else None
            result["extrapolation"] = extrapolate(cases, metrics, args.target, fit)
            report_metrics(metrics)
            ex = result["extrapolation"]
            print(f"extrapolated to {args.target:,} cases on {ex['cores']} cores "
                  f"({CLUSTER}): {ex['total_wall_s'] / 60:.1f} min")
        # after each engine, so that a run stopped in the next one keeps this one's figures
        (work / "spark_build.json").write_text(json.dumps(result, indent=1, default=str))
    if spark_engine is not None:
        spark_engine.close()
    if {"duckdb", "spark"} <= set(args.engines.split(",")):
        result["same_numbers"] = _print_comparison(
            compare_stores(work / "duckdb.duckdb", work / "spark.duckdb"))
    (work / "spark_build.json").write_text(json.dumps(result, indent=1, default=str))
    return 0


def compare_stores(a: Path, b: Path) -> list[dict]:
    """Per aggregate table of store `a` (its base tables; views read the lake): rows and the
    sum of every numeric column in both stores, and the largest relative difference."""
    import duckdb
    out = []
    with duckdb.connect(str(a), read_only=True) as ca, duckdb.connect(str(b), read_only=True) as cb:
        tables = [t for (t,) in ca.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and table_schema = 'main' order by 1").fetchall()]
        for table in tables:
            columns = [c for c, kind in ca.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'main' and table_name = ?", [table]).fetchall()
                if any(k in kind for k in ("INT", "DOUBLE", "FLOAT", "DECIMAL"))]
            query = "select count(*)" + "".join(f', sum("{c}")::double' for c in columns) + \
                f' from "{table}"'
            try:
                left, right = ca.execute(query).fetchone(), cb.execute(query).fetchone()
            except duckdb.Error as error:   # a table only one store has
                out.append(dict(table=table, rows=None, worst=float("inf"), error=str(error)))
                continue
            worst = max((abs(x - y) / max(abs(x), 1e-9) for x, y in zip(left, right)
                         if x is not None and y is not None), default=0.0)
            if any((x is None) != (y is None) for x, y in zip(left, right)):
                worst = float("inf")
            out.append(dict(table=table, rows=(left[0], right[0]), sums=len(columns), worst=worst))
    return out


def _print_comparison(rows: list[dict], tolerance: float = 1e-9) -> bool:
    """Prints the comparison; True when every table's rows and sums agree within `tolerance`."""
    for row in rows:
        rows_text = (f"{row['rows'][0]:>12,} vs {row['rows'][1]:>12,}" if row["rows"]
                     else row.get("error", ""))
        print(f"  {row['table']:24s} {rows_text}  {row.get('sums', 0)} sums, "
              f"worst relative difference {row['worst']:.1e}")
    same = all(r["rows"] and r["rows"][0] == r["rows"][1] and r["worst"] <= tolerance for r in rows)
    print("same numbers in both stores" if same else "THE STORES DIFFER")
    return same


def _progress(path: Path, engine: str):
    """Each finished stage printed and appended to path as it ends: a run stopped before its
    end still reports the stages that finished."""
    path.unlink(missing_ok=True)

    def note(stage: str, seconds: float, rows) -> None:
        line = dict(engine=engine, stage=stage, seconds=seconds, rows=rows, load=_load(),
                    at=time.strftime("%H:%M:%S", time.gmtime()))
        with path.open("a") as out:
            out.write(json.dumps(line) + "\n")
        print(f"  [{line['at']} UTC] {engine} {stage}: {seconds:.1f} s, rows {rows}, load {line['load']}",
              flush=True)
    return note


def _measured(path: Path) -> dict:
    """A run's cases and Spark metrics: its spark_build.json, or (a work folder of a run stopped
    before its end) the tables its progress log names as finished, from its event log."""
    json_path = path / "spark_build.json" if path.is_dir() else path
    run = json.loads(json_path.read_text()) if json_path.is_file() else {}
    if "spark" in run:
        return dict(cases=run["cases"], metrics=run["spark"]["metrics"], partial=False)
    work = path if path.is_dir() else path.parent
    done = {json.loads(line)["stage"] for line in
            (work / "progress-spark.jsonl").read_text().splitlines()}
    metrics = {table: m for table, m in event_metrics(work / "events-spark").items() if table in done}
    cases = sum(__import__("pyarrow.parquet", fromlist=["x"]).ParquetFile(f).metadata.num_rows
                for f in lake.files(work / "lake", "cases"))
    return dict(cases=cases, metrics=metrics, partial=True)


def _refit(args) -> int:
    """The extrapolation of a run, from its own size or fitted with a second one; a run stopped
    early gives its finished tables, the others come from the second size alone."""
    run = _measured(args.refit)
    fit = _measured(args.fit_with) if args.fit_with else None
    ex = extrapolate(run["cases"], run["metrics"], args.target, fit)
    print(f"{run['cases']:,} cases{' (stopped early: its finished tables)' if run['partial'] else ''}"
          + (f", fitted with {fit['cases']:,} cases" if fit else ""))
    print(f"{'table':22s} {'CPU-s':>12} {'shuffle GB':>11} {'minutes':>8}")
    for row in ex["tables"]:
        print(f"{row['table']:22s} {row['cpu_s']:12,.0f} {row['shuffle_bytes'] / 1e9:11,.1f} "
              f"{row['wall_s'] / 60:8.1f}{'  (other size only)' if row.get('from_other_size') else ''}")
    cpu = sum(r["cpu_s"] for r in ex["tables"])
    shuffle = sum(r["shuffle_bytes"] for r in ex["tables"])
    print(f"{'total':22s} {cpu:12,.0f} {shuffle / 1e9:11,.1f} {ex['total_wall_s'] / 60:8.1f}  "
          f"({args.target:,} cases; {ex['cores']} cores x {CLUSTER['efficiency']}, "
          f"{CLUSTER['workers']} x {CLUSTER['network_gbit_per_worker']} Gbit/s)")
    return 0


def _import(args, lake_path: Path, engine, work: Path) -> dict:
    """Step 1 with --source: the lake import on Spark, and (--ingest-duckdb) the DuckDB ingest."""
    from analytics.ingest import lake_import
    out: dict = {}
    for kind, path in (("cases", args.source), ("reviews", args.reviews)):
        if path is None:
            continue
        started = time.perf_counter()
        report = lake_import.import_table([path], lake_path, kind=kind, engine=engine)
        out[f"spark_{kind}"] = dict(total_s=time.perf_counter() - started, seconds=report.seconds,
                                    read=report.rows_read, kept=report.rows_kept,
                                    superseded=report.rows_superseded, rejected=report.rows_rejected,
                                    load_after=_load())
        print(f"lake import {kind} on Spark: {out[f'spark_{kind}']}")
    if args.ingest_duckdb:
        import subprocess
        for kind, path in (("cases", args.source), ("reviews", args.reviews)):
            if path is None:
                continue
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "analytics", "ingest", str(path), "--kind", kind,
                            "--db", str(work / "ingested.duckdb")], check=True,
                           cwd=Path(__file__).resolve().parents[1], stdout=subprocess.DEVNULL)
            out[f"duckdb_ingest_{kind}_s"] = time.perf_counter() - started
            print(f"analytics ingest {kind} on DuckDB: {out[f'duckdb_ingest_{kind}_s']:.1f} s; "
                  f"load {_load()}")
    return out


if __name__ == "__main__":
    sys.exit(main())
