"""Ingest speed against DuckDB's own loading speed (issue 7, "ingest"), in one run:

- DuckDB alone: `create table t as select * from read_csv(file)` (and read_parquet) into a fresh
  database file, checkpointed: the engine's limit for the same file.
- ours: `ingest_file` of the same file into a fresh database, split by phase (read, validate,
  stage, quarantine, classify/upsert, derived rebuild, checkpoint + copy + rename).
- an update export (a tenth of the rows, every case changed) into the loaded database.

The files are the demo generator's cases (`analytics.demo.load.generate(N).cases`), written with
pyarrow to CSV and Parquet under --dir and kept for the next run (same N, same seed).

    python bench/ingest_speed.py --rows 1000000 --runs 3
    python bench/ingest_speed.py --rows 100000 --runs 1 --path pandas   # the pandas path only
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from analytics import db  # noqa: E402
from analytics.ingest import ingest_file, native, pipeline, store  # noqa: E402

try:
    from analytics.ingest import aggregates  # noqa: E402  (the lead's cube maintenance)
except ImportError:
    aggregates = None

PHASE_STEPS = (   # (module, function, phase); steps missing from the code are skipped
    (pipeline, "_load_batches", "pandas: read + validate"),
    (store, "stage_batch", "pandas: stage"),
    (store, "quarantine", "pandas: quarantine"),
    (native, "load", "native: read + validate + stage + quarantine"),
    (pipeline, "sha256_of", "sha256 of the file"),
    (store, "apply", "classify + upsert + case_events"),
    (aggregates, "retract", "fact table + cubes"),
    (aggregates, "extend", "fact table + cubes"),
    (aggregates, "rebuild_fact_and_cubes", "fact table + cubes"),
    (store, "refresh_derived_tables", "per-ingest derived tables"),
    (db, "build_derived", "derived rebuild (writer)"),
    (shutil, "copyfile", "copy of the live file"),
    (db, "_fsync", "fsync + rename"),
    (os, "replace", "fsync + rename"),
)
PHASES = tuple(dict.fromkeys(phase for *_, phase in PHASE_STEPS)) + (
    "other (open, schema, checkpoint, record)",)


def write_files(rows: int, folder: Path) -> dict[str, Path]:
    """The demo's cases as CSV and Parquet, plus an update export of rows/10 changed cases."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"csv": folder / f"cases_{rows}.csv", "parquet": folder / f"cases_{rows}.parquet",
             "update_csv": folder / f"cases_{rows}_update.csv"}
    if all(p.exists() for p in paths.values()):
        return paths
    import pandas as pd

    from analytics.demo.load import generate
    cases = generate(rows, end="2026-11-01").cases
    table = pa.Table.from_pandas(cases, preserve_index=False)
    pacsv.write_csv(table, paths["csv"])
    pq.write_table(table, paths["parquet"], row_group_size=122_880)
    update = cases.iloc[::10].copy()
    update["updated_at"] = update["updated_at"].fillna(update["created_at"]) + pd.Timedelta(hours=1)
    update["status"] = "closed"
    pacsv.write_csv(pa.Table.from_pandas(update, preserve_index=False), paths["update_csv"])
    return paths


def fresh(path: Path) -> Path:
    for stale in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".lock")):
        stale.unlink(missing_ok=True)
    return path


def duckdb_alone(source: Path, db_path: Path) -> float:
    """Seconds for DuckDB's own load of `source` into a plain table of a fresh file."""
    reader = "read_parquet" if source.suffix == ".parquet" else "read_csv"
    started = time.perf_counter()
    con = duckdb.connect(str(fresh(db_path)))
    con.execute(f"create table t as select * from {reader}($path)", {"path": str(source)})
    con.execute("checkpoint")
    con.close()
    return time.perf_counter() - started


class PhaseClock:
    """Wraps the pipeline's steps with timers (monkeypatching, undone on exit); each phase gets
    its exclusive time (a wrapped step inside another is taken out of the outer one)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[object, str, object]] = []
        self._stack: list[float] = []   # time spent in wrapped children of each open step

    def _wrap(self, owner, name: str, phase: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return

        def timed(*args, **kwargs):
            self._stack.append(0.0)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                children = self._stack.pop()
                self.seconds[phase] += spent - children
                if self._stack:
                    self._stack[-1] += spent
        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def __enter__(self) -> "PhaseClock":
        for owner, name, phase in PHASE_STEPS:
            self._wrap(owner, name, phase)
        return self

    def __exit__(self, *exc) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)

    def split(self, total: float) -> dict[str, float]:
        out = dict(self.seconds)
        out["other (open, schema, checkpoint, record)"] = total - sum(out.values())
        return out


@contextlib.contextmanager
def forced_path(which: str):
    """Force the native or the pandas path for the run (`auto` leaves the rule in charge)."""
    original = native.can_load
    if which == "pandas":
        native.can_load = lambda *a, **k: False
    try:
        yield
    finally:
        native.can_load = original


def ours(source: Path, db_path: Path, which: str, *, keep: bool = False) -> tuple[float, dict, object]:
    if not keep:
        fresh(db_path)
    with forced_path(which), PhaseClock() as clock:
        started = time.perf_counter()
        report = ingest_file(source, db_path=db_path, kind="cases")
        total = time.perf_counter() - started
    return total, clock.split(total), report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/escalation_radar_ingest_speed"))
    parser.add_argument("--path", choices=("auto", "pandas", "both"), default="both",
                        help="which ingest path to measure (auto = the native path where it applies)")
    args = parser.parse_args(argv)
    paths = write_files(args.rows, args.dir)
    args.rows = pq.ParquetFile(paths["parquet"]).metadata.num_rows   # the generator's actual count
    print(f"{args.rows:,} cases; CSV {paths['csv'].stat().st_size / 1e6:.0f} MB, Parquet "
          f"{paths['parquet'].stat().st_size / 1e6:.0f} MB; {os.cpu_count()} cores; "
          f"load before: {open('/proc/loadavg').read().split()[:3]}", flush=True)
    which_paths = ("auto", "pandas") if args.path == "both" else (args.path,)
    results: dict[str, list[float]] = defaultdict(list)
    splits: dict[str, list[dict]] = defaultdict(list)
    db_path = args.dir / "bench.duckdb"
    for _ in range(args.runs):
        for fmt in ("csv", "parquet"):
            results[f"duckdb {fmt}"].append(duckdb_alone(paths[fmt], db_path))
            for which in which_paths:
                seconds, split, report = ours(paths[fmt], db_path, which)
                assert report.is_reconciled and report.rows_read == args.rows, report.counts()
                results[f"ours[{which}] {fmt}"].append(seconds)
                splits[f"ours[{which}] {fmt}"].append(split)
                if fmt == "csv":
                    seconds, split, report = ours(paths["update_csv"], db_path, which, keep=True)
                    assert report.is_reconciled, report.counts()
                    results[f"ours[{which}] update csv"].append(seconds)
                    splits[f"ours[{which}] update csv"].append(split)
    print_table(args.rows, results, splits)
    print(f"load after: {open('/proc/loadavg').read().split()[:3]}")
    return 0


def print_table(rows: int, results: dict, splits: dict) -> None:
    print(f"\n| what | median s | runs | rows/s | × DuckDB alone |\n| --- | --- | --- | --- | --- |")
    for name, times in results.items():
        median = statistics.median(times)
        fmt = "parquet" if "parquet" in name else "csv"
        base = statistics.median(results[f"duckdb {fmt}"])
        n = rows // 10 if "update" in name else rows
        ratio = "" if name.startswith("duckdb") or "update" in name else f"{median / base:.2f}"
        print(f"| {name} | {median:.2f} | {len(times)} | {n / median:,.0f} | {ratio} |")
    print(f"\n| phase (median s) | " + " | ".join(splits) + " |")
    print("| --- |" + " --- |" * len(splits))
    for phase in PHASES:
        cells = [statistics.median(s.get(phase, 0.0) for s in runs) for runs in splits.values()]
        if any(c > 0.005 for c in cells):
            print(f"| {phase} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
