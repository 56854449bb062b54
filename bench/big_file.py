"""An export far larger than the memory ingest may use: a 2 GB CSV loaded by a subprocess whose
address space is capped with setrlimit(RLIMIT_AS), with DuckDB's memory_limit set for ingest
connections (sql/ingest/limit_memory.sql). Prints size, rows, time, peak RSS and the counts,
which must equal the file's known counts (tests/ingest_fixture.py): rows lost 0.

    python bench/big_file.py                      # 2 GB, RLIMIT_AS 1024 MB (see below)
    python bench/big_file.py --gb 0.05 --as-mb 1024   # the short version

Why the address-space cap is 1 GB and not 512 MB: RLIMIT_AS counts virtual memory, not memory
used. The Python + pandas + pyarrow + DuckDB stack maps ~200 MB of shared libraries and reserves
thread stacks and malloc arenas before it reads a byte (measured: 759 MB of address space at
~350 MB resident). The figure that answers "does ingest stay within ~512 MB" is the peak
resident set (ru_maxrss of the child), printed and checked against --rss-target-mb.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from ingest_fixture import expected_counts, write_cases_csv  # noqa: E402

BYTES_PER_ROW = 185   # tests/ingest_fixture.py rows with 12 summary words
CHILD_ENV = {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system",
             "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
             "ESCALATION_RADAR_INGEST_MEMORY_MB": "128"}   # the small cap (default: 2048)


def run_capped(csv: Path, db_path: Path, as_mb: int) -> tuple[int, float, int, str]:
    """(exit status, seconds, peak RSS in MB, output) of `python -m analytics ingest` under the cap."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (as_mb << 20, as_mb << 20))
        resource.setrlimit(resource.RLIMIT_STACK, (2 << 20, resource.RLIM_INFINITY))
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "analytics", "ingest", str(csv), "--db",
                                    str(db_path)], preexec_fn=cap, cwd=ROOT, env=os.environ | CHILD_ENV,
                                   stdout=log, stderr=subprocess.STDOUT, text=True)
        # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would be the max over all children)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    return process.returncode, time.monotonic() - started, usage.ru_maxrss // 1024, output


def stored_counts(db_path: Path) -> dict[str, int]:
    import duckdb
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute("select rows_read, rows_inserted, rows_superseded, rows_rejected, "
                          "(select count(*) from cases), (select count(*) from rejected_rows) "
                          "from ingests").fetchone()
    return dict(zip(("read", "inserted", "superseded", "rejected", "cases", "rejected_rows"), row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gb", type=float, default=2.0, help="size of the CSV (default 2)")
    parser.add_argument("--as-mb", type=int, default=1024, help="RLIMIT_AS of the ingest process")
    parser.add_argument("--rss-target-mb", type=int, default=512)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/escalation_radar_big"))
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = int(args.gb * 1e9 / BYTES_PER_ROW)
    csv, db_path = args.dir / f"cases_{rows}.csv", args.dir / "big.duckdb"
    if not csv.exists():
        started = time.monotonic()
        write_cases_csv(csv, rows)
        print(f"wrote {csv} ({csv.stat().st_size / 1e9:.2f} GB, {rows:,} rows) in "
              f"{time.monotonic() - started:.0f} s", flush=True)
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    status, seconds, peak_mb, output = run_capped(csv, db_path, args.as_mb)
    print(f"ingest exit {status}: {csv.stat().st_size / 1e9:.2f} GB, {rows:,} rows in {seconds:.0f} s "
          f"({rows / seconds:,.0f} rows/s); RLIMIT_AS {args.as_mb} MB; peak RSS {peak_mb} MB "
          f"(target {args.rss_target_mb} MB)")
    if status != 0:
        print(output[-3000:])
        return 1
    stored, expected = stored_counts(db_path), expected_counts(rows)
    print(f"stored: {stored}\nexpected: {expected}")
    lost = expected["read"] - stored["inserted"] - stored["superseded"] - stored["rejected"]
    print(f"rows lost: {lost}")
    ok = lost == 0 and stored["cases"] == expected["inserted"] and stored["rejected"] == expected["rejected"]
    return 0 if ok and peak_mb <= args.rss_target_mb else 1


if __name__ == "__main__":
    sys.exit(main())
