"""Ingest at scale: `python -m analytics ingest` of the N-row CSV and Parquet into an empty
database, against DuckDB's own `create table as select * from read_csv/read_parquet` of the
same file into a fresh database file, in the same run; then the reviews and the 1M-row update
export into the loaded database. Every load is a fresh subprocess (time and peak RSS).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from scale_data import ScaleFiles
from scale_proc import fresh, median, run_child

PLAIN_LOAD = """
import sys, duckdb
path, reader, db = sys.argv[1:4]
con = duckdb.connect(db)
con.execute(f"create table t as select * from {reader}('{path}')")
con.close()
"""


def ingest(path: Path, kind: str, db_path: Path):
    return run_child(["-m", "analytics", "ingest", str(path), "--kind", kind, "--db", str(db_path)])


def plain_load(path: Path, db_path: Path):
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    return run_child(["-c", PLAIN_LOAD, str(path), reader, str(fresh(db_path))])


def measure_ingest(files: ScaleFiles, work: Path, runs: int, results, log,
                   formats: tuple[str, ...] = ("csv", "parquet")) -> Path:
    """Add the ingest rows to `results`; return the loaded database (cases + reviews, Parquet)."""
    n = files.rows("cases")
    loaded = work / f"loaded_{files.n_cases}.duckdb"
    for fmt in formats:   # the last format's database becomes the loaded one
        source = files.path("cases", fmt)
        ours, theirs = [], []
        for run in range(runs):
            target = fresh(work / f"ingest_{fmt}.duckdb")
            ours.append(ingest(source, "cases", target))
            theirs.append(plain_load(source, work / "plain.duckdb"))
            log(f"  ingest {fmt} run {run + 1}: ours {ours[-1].seconds:.1f} s, "
                f"DuckDB {theirs[-1].seconds:.1f} s")
        (work / f"ingest_{fmt}.log").write_text(ours[-1].output)   # its progress lines, for profiles
        for r in ours:
            results.peak("ingest (subprocess)", r.peak_rss_mb)
        ours_s, theirs_s = median(r.seconds for r in ours), median(r.seconds for r in theirs)
        results.add("1 ingest", f"cases {fmt} → empty DB ({n:,} rows, {source.stat().st_size / 1e9:.2f} GB)",
                    ours_s, f"{n / ours_s:,.0f} rows/s; DuckDB CTAS {theirs_s:.2f} s; "
                    f"ratio {ours_s / theirs_s:.2f}×; CPU s ours {median(r.cpu_s for r in ours):.1f} / "
                    f"DuckDB {median(r.cpu_s for r in theirs):.1f}; "
                    f"peak RSS {max(r.peak_rss_mb for r in ours):,.0f} MB",
                    target="ratio ≤ 1.5×", ok=ours_s / theirs_s <= 1.5)
    shutil.move(target, fresh(loaded))
    fresh(work / "plain.duckdb")
    reviews = ingest(files.path("reviews", "parquet"), "reviews", loaded)
    results.peak("ingest (subprocess)", reviews.peak_rss_mb)
    results.add("1 ingest", f"reviews parquet → loaded DB ({files.rows('reviews'):,} rows)", reviews.seconds,
                f"{files.rows('reviews') / reviews.seconds:,.0f} rows/s (one run); "
                f"peak RSS {reviews.peak_rss_mb:,.0f} MB")
    _measure_updates(files, work, loaded, runs, results, log)
    return loaded


def _measure_updates(files: ScaleFiles, work: Path, loaded: Path, runs: int, results, log) -> None:
    rows, timed = files.rows("updates"), []
    for run in range(runs):
        copy = fresh(work / "updated.duckdb")
        shutil.copyfile(loaded, copy)   # each run updates the same loaded state; copy not timed
        timed.append(ingest(files.path("updates", "parquet"), "cases", copy))
        log(f"  update export run {run + 1}: {timed[-1].seconds:.1f} s")
    fresh(work / "updated.duckdb")
    for r in timed:
        results.peak("ingest (subprocess)", r.peak_rss_mb)
    seconds = median(r.seconds for r in timed)
    results.add("1 ingest", f"update export parquet → loaded DB ({rows:,} rows)", seconds,
                f"{rows / seconds:,.0f} rows/s; CPU {median(r.cpu_s for r in timed):.1f} s; "
                f"peak RSS {max(r.peak_rss_mb for r in timed):,.0f} MB")
