"""Ingest and marts at 50M cases on a machine whose disk cannot hold two copies of everything.

    python bench/scale_50m.py --work /tmp/scale [--code DIR] [--memory-mb 12000] [--runs 3]

bench/scale.py --sizes 50m would copy the loaded ~25 GB database once per update run and the
writer copies it again (copy-and-swap, docs/architecture.md), which this disk cannot hold. This
script runs the same measurements in an order that keeps one copy at a time:

1. the five 10M-row parts of --work/data50 (bench/scale_data.py's 50M file, split) joined into
   one CSV (each part deleted once appended; part 00 is the 10M file and is kept); with
   `--format parquet` (the default) that CSV is then written as one Parquet file by DuckDB
   (same column types as bench/scale_data.py's Parquet) and deleted;
2. DuckDB's own `read_csv` / `read_parquet` of that file into a plain table, in a fresh process;
3. `python -m analytics ingest` of the same file into an empty database, with the ingest memory cap
   (ESCALATION_RADAR_INGEST_MEMORY_MB) at --memory-mb. Why Parquet by default: the CSV takes the
   native path, which stages the whole file in one DuckDB temp table before checking it; at 50M
   rows that table outgrew this disk (12 GB in memory + 15 GB spilled after 10 minutes, still
   reading, with 28 GB left). The Parquet path streams the file in batches;
4. the input deleted, then the 10M reviews and the 1M-row update export ingested into the loaded
   database (each ingest copies the database once: the writer's copy-and-swap);
5. every mart, medians of --runs, and EXPLAIN ANALYZE of the three slowest.

The table goes to --work/n50000000/results_50m.md after every step.

    python bench/scale_50m.py --marts-only [--code DIR]

measures step 5 alone on the loaded database, each mart in a fresh process (medians of --runs
there), at the test suite's all-time parameters and again at the pages' default window: a mart
that returns every case (trend_cases) cannot be handed to pandas at 50M on 24 GB, and a child
killed for memory is recorded, not fatal. Results: --work/n50000000/marts_50m.md.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_proc  # noqa: E402
from scale_proc import fresh, load_line, run_child  # noqa: E402

N = 50_000_000

MART_CHILD = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[4])
import scale_queries
from analytics import db
name, window, runs = sys.argv[1], sys.argv[2] == "window", int(sys.argv[3])
path = sys.argv[5]
with db.reader(path) as con:
    params = (scale_queries.page_window_params(con) if window else scale_queries.mart_params())[name]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        frame = db.query_df(con, f"marts/{name}", **params)
        times.append(time.perf_counter() - started)
print(json.dumps({"seconds": statistics.median(times), "rows": len(frame),
                  "window": f"{params.get('start_date')} to {params.get('end_date')}"}))
"""


def measure_marts_in_children(loaded: Path, runs: int, results, log) -> None:
    """Every mart in a fresh process, all-time parameters then the pages' window."""
    import scale_queries
    with __import__("analytics.db", fromlist=["db"]).reader(loaded) as con:
        windowed = set(scale_queries.page_window_params(con))
    bench = str(Path(__file__).resolve().parent)
    for window in (False, True):
        for name in sorted(scale_queries.mart_params()):
            if window and name not in windowed:
                continue
            section = "3b marts, page window" if window else "3 marts"
            try:
                child = run_child(["-c", MART_CHILD, name, "window" if window else "all", str(runs),
                                   bench, str(loaded)])
            except RuntimeError as exc:   # run_child: "python ARGS failed:\n<its output>"
                output = str(exc).split(" failed:\n", 1)[-1].strip()
                why = output.splitlines()[-1][:160] if output else "killed, no output (out of memory?)"
                results.add(section, name, None, f"failed: {why}")
                log(f"  {name}: failed")
                continue
            out = child.last_json()
            detail = f"{out['rows']:,} rows; peak RSS {child.peak_rss_mb:,.0f} MB"
            if window:
                detail += f"; {out['window']}"
            results.add(section, name, out["seconds"], detail, target="≤ 0.3 s",
                        ok=out["seconds"] <= 0.3)
            log(f"  {name}{' (window)' if window else ''}: {out['seconds']:.3f} s, {out['rows']:,} rows")


def join_parts(first: Path, parts: list[Path], out: Path, log) -> None:
    """One CSV: `first` whole, then each part without its header line; each part deleted after."""
    if out.exists():
        return
    partial = out.with_suffix(".partial")
    shutil.copyfile(first, partial)
    with open(partial, "ab") as sink:
        for part in parts:
            with open(part, "rb") as source:
                source.readline()   # the header
                shutil.copyfileobj(source, sink, 64 << 20)
            log(f"  appended {part.name}")
    os.replace(partial, out)
    for part in parts:
        part.unlink()


def to_parquet(csv: Path, log) -> Path:
    """The CSV as one Parquet file, column types as bench/scale_data.py writes them; CSV deleted."""
    import duckdb
    out = csv.with_suffix(".parquet")
    if not out.exists():
        partial = out.with_suffix(".partial")
        con = duckdb.connect()
        con.execute("set memory_limit = '4GB'; set preserve_insertion_order = false")
        con.execute(f"copy (select * from read_csv(?, types = {{'is_sla_met': 'BOOLEAN', "
                    f"'reopen_count': 'BIGINT', 'is_appealed': 'BOOLEAN'}})) to '{partial}' "
                    "(format parquet, compression zstd)", [str(csv)])
        con.close()
        os.replace(partial, out)
        log(f"  wrote {out} ({out.stat().st_size / 1e9:.1f} GB)")
    csv.unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale"))
    parser.add_argument("--code", type=Path, default=None, help="measure the code in this folder")
    parser.add_argument("--memory-mb", type=int, default=12000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    parser.add_argument("--marts-only", action="store_true",
                        help="measure the marts on the loaded database, each in a fresh process")
    args = parser.parse_args(argv)
    if args.code:
        os.environ["SCALE_CODE"] = str(args.code.resolve())
        scale_proc.ROOT = args.code.resolve()
        sys.path.insert(0, str(scale_proc.ROOT))
    from scale import (  # after SCALE_CODE: they import product code
        Results,
        code_description,
    )
    from scale_ingest import PLAIN_LOAD
    from scale_queries import explain_slowest, measure_marts

    data, work = args.work / "data", args.work / f"n{N}"
    work.mkdir(parents=True, exist_ok=True)
    out, loaded, big = work / "results_50m.md", work / f"loaded_{N}.duckdb", data / f"cases_{N}.csv"
    results = Results()
    header = [f"## 50M, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC", "",
              f"Command: `python bench/scale_50m.py {' '.join(sys.argv[1:] if argv is None else argv)}`", "",
              f"Code measured: {code_description(scale_proc.ROOT)}", "",
              f"Cores: {os.cpu_count()}; load average at start: {load_line()}", ""]

    def log(message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)

    def save() -> None:
        out.write_text("\n".join(header) + "\n" + results.markdown(f"{N:,} cases (load now: {load_line()})") + "\n")

    if args.marts_only:
        out = work / "marts_50m.md"
        header[2] = f"Command: `python bench/scale_50m.py {' '.join(sys.argv[1:] if argv is None else argv)}`"
        measure_marts_in_children(loaded, args.runs, results, log)
        out.write_text("\n".join(header) + "\n" + results.markdown(f"{N:,} cases: marts (load at end: {load_line()})") + "\n")
        print(out.read_text())
        return 0

    log(f"joining parts into {big}")
    if not (args.format == "parquet" and big.with_suffix(".parquet").exists()):
        join_parts(data / "cases_10000000.csv", sorted((args.work / "data50").glob("cases_part_0[1-4].csv")),
                   big, log)
    if args.format == "parquet":
        big = to_parquet(big, log)
    import duckdb
    rows = duckdb.sql(f"select count(*) from {'read_parquet' if args.format == 'parquet' else 'read_csv'}(?)",
                      params=[str(big)]).fetchall()[0][0]
    size_gb = big.stat().st_size / 1e9
    log(f"{rows:,} rows, {size_gb:.1f} GB")

    reader = "read_parquet" if args.format == "parquet" else "read_csv"
    plain = run_child(["-c", PLAIN_LOAD, str(big), reader, str(fresh(work / "plain.duckdb"))])
    fresh(work / "plain.duckdb")
    log(f"DuckDB {reader}: {plain.seconds:.1f} s, CPU {plain.cpu_s:.1f} s, peak RSS {plain.peak_rss_mb:,.0f} MB")

    env = {"ESCALATION_RADAR_INGEST_MEMORY_MB": str(args.memory_mb)}
    ours = run_child(["-m", "analytics", "ingest", str(big), "--kind", "cases", "--db", str(fresh(loaded))], env)
    (work / f"ingest_{args.format}_50m.log").write_text(ours.output)
    results.peak("ingest (subprocess)", ours.peak_rss_mb)
    results.add("1 ingest", f"cases {args.format} → empty DB ({rows:,} rows, {size_gb:.1f} GB, memory cap {args.memory_mb:,} MB)",
                ours.seconds, f"{rows / ours.seconds:,.0f} rows/s; DuckDB {reader} CTAS {plain.seconds:.1f} s; "
                f"ratio {ours.seconds / plain.seconds:.2f}×; CPU s ours {ours.cpu_s:.1f} / DuckDB {plain.cpu_s:.1f}; "
                f"peak RSS {ours.peak_rss_mb:,.0f} MB (DuckDB {plain.peak_rss_mb:,.0f} MB); "
                f"database {loaded.stat().st_size / 1e9:.1f} GB", target="ratio ≤ 1.5×",
                ok=ours.seconds / plain.seconds <= 1.5)
    save()
    log(f"ours: {ours.seconds:.1f} s, CPU {ours.cpu_s:.1f} s, peak RSS {ours.peak_rss_mb:,.0f} MB")
    if args.format == "csv":
        big.unlink()   # the writer's copy of the loaded database needs the room

    for label, path in (("reviews parquet (10M)", data / "reviews_50000000.parquet"),
                        ("update export parquet (996,100 rows)", data / "updates_50000000.parquet")):
        kind = "reviews" if "reviews" in path.name else "cases"
        r = run_child(["-m", "analytics", "ingest", str(path), "--kind", kind, "--db", str(loaded)], env)
        results.peak("ingest (subprocess)", r.peak_rss_mb)
        results.add("1 ingest", f"{label} → loaded DB", r.seconds,
                    f"CPU {r.cpu_s:.1f} s; peak RSS {r.peak_rss_mb:,.0f} MB; one run; "
                    f"includes the writer's copy of the {loaded.stat().st_size / 1e9:.1f} GB file")
        save()
        log(f"{label}: {r.seconds:.1f} s")

    times = measure_marts(loaded, args.runs, results, log)
    for path in explain_slowest(loaded, times, work, N):
        log(f"wrote {path}")
    save()
    print(out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
