"""A 50M-row CSV through `python -m analytics ingest` at the default caps (issue #17 point 3, #20
point 2): time, peak RSS, temporary disk and the store's size.

    python bench/csv_50m.py --source /tmp/scale/data/cases_10000000.csv --work /tmp/big \
        [--copies 5] [--extra 200000] [--keep]

The input is `--source` (bench/scale_data.py's CSV) written `--copies` times with case ids
prefixed `r<k>-`, plus its first `--extra` rows once more (10M x 5 + 200k = 50,009,130 rows,
18.1 GB). The ingest runs in a child; its peak RSS comes from wait4, and every 15 s the spill
folder, the native path's piece folder, the store and the free disk are sampled. The input and
the store are deleted at the end unless --keep (they need ~3.5x the input's size of free disk).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb


def write_input(source: Path, target: Path, copies: int, extra: int) -> int:
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = false")
    read = con.sql("select * from read_csv($p, all_varchar = true)", params={"p": str(source)})
    columns = read.columns
    prefixed = ", ".join("'r' || k || '-' || case_id as case_id" if c == "case_id" else f'"{c}"'
                         for c in columns)
    parts = []
    for k in range(copies):
        part = target.with_suffix(f".part{k}")
        con.execute(f"copy (select {prefixed} from (select {k} as k), read_csv($p, all_varchar = true)) "
                    f"to '{part}' (header {str(k == 0).lower()})", {"p": str(source)})
        parts.append(part)
    if extra:
        part = target.with_suffix(".extra")
        con.execute(f"copy (select {prefixed} from (select {copies} as k), "
                    f"read_csv($p, all_varchar = true) limit {int(extra)}) to '{part}' (header false)",
                    {"p": str(source)})
        parts.append(part)
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, 64 << 20)
            part.unlink()
    return con.sql("select count(*) from read_csv($p, all_varchar = true)",
                   params={"p": str(target)}).fetchall()[0][0]


def folder_mb(pattern_parent: Path, prefix: str) -> float:
    total = 0
    for entry in pattern_parent.iterdir():
        if entry.name.startswith(prefix):
            for root, _, files in os.walk(entry):
                total += sum(os.path.getsize(os.path.join(root, f)) for f in files
                             if os.path.exists(os.path.join(root, f)))
    return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--extra", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    csv, store = args.work / "cases_big.csv", args.work / "big.duckdb"
    started = time.time()
    rows = write_input(args.source, csv, args.copies, args.extra)
    print(f"input: {rows:,} rows, {csv.stat().st_size / 1e9:.1f} GB in {time.time() - started:.0f} s",
          flush=True)
    peaks = {"spill_mb": 0.0, "pieces_mb": 0.0, "store_mb": 0.0}
    least_free = [shutil.disk_usage(args.work).free / 2**20]
    child = subprocess.Popen([sys.executable, "-m", "analytics", "ingest", str(csv), "--db", str(store)])
    tmp = Path(tempfile.gettempdir())

    def sample() -> None:
        while child.poll() is None:
            peaks["spill_mb"] = max(peaks["spill_mb"], folder_mb(args.work, f".{store.name}.spill-"))
            peaks["pieces_mb"] = max(peaks["pieces_mb"], folder_mb(tmp, "escalation-radar-pieces-"))
            peaks["store_mb"] = max(peaks["store_mb"], store.stat().st_size / 2**20 if store.exists() else 0)
            least_free[0] = min(least_free[0], shutil.disk_usage(args.work).free / 2**20)
            time.sleep(15)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.time()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.time() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    sampler.join(timeout=30)
    print(f"ingest: exit {child.returncode}, {seconds:,.0f} s, peak RSS {usage.ru_maxrss / 1024:,.0f} MiB; "
          f"peaks: spill {peaks['spill_mb']:,.0f} MB, pieces {peaks['pieces_mb']:,.0f} MB, "
          f"store {store.stat().st_size / 2**20 if store.exists() else 0:,.0f} MB; "
          f"least free disk {least_free[0]:,.0f} MB", flush=True)
    if not args.keep:
        csv.unlink(missing_ok=True)
        for path in args.work.glob("big.duckdb*"):
            path.unlink()


if __name__ == "__main__":
    main()
