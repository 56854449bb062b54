"""Crash recovery, the long loop: SIGKILL `python -m analytics ingest` at random moments, hundreds
of times, and check after every kill that the database is byte for byte what it was before that
ingest (or, when the kill came after the atomic swap, the complete ingest: never anything in
between), that it opens and reads, and that the next ingest completes with the right counts.

    python bench/kill_ingest.py --kills 100 --rows 30000      # figures in docs/reliability.md

It first runs readers in a loop during one complete ingest (errors, states seen).

tests/ingest/test_crash_recovery.py runs the short version (5 kills).
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from ingest_fixture import expected_counts, write_cases_csv  # noqa: E402

from analytics import db  # noqa: E402


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest(csv: Path, db_path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analytics", "ingest", str(csv), "--db", str(db_path)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def state(db_path: Path) -> tuple[int, int, int]:
    with db.reader(db_path) as con:
        return con.execute("select (select count(*) from cases), (select count(*) from rejected_rows), "
                           "(select count(*) from ingests)").fetchone()


def readers_during(big_csv: Path, live: Path) -> str:
    """Read counts in a loop while the real ingest runs: errors and distinct states seen."""
    process = ingest(big_csv, live)
    seen: dict[tuple, int] = {}
    reads = errors = 0
    slowest = 0.0
    while process.poll() is None:
        started = time.monotonic()
        try:
            found = state(live)
            seen[found] = seen.get(found, 0) + 1
        except Exception:   # noqa: BLE001 - any error is the finding
            errors += 1
        reads += 1
        slowest = max(slowest, time.monotonic() - started)
    return (f"readers during one ingest: {reads} reads, {errors} errors, {len(seen)} states seen "
            f"{sorted(seen.items())}, slowest read {slowest * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kill_ingest_"))
    base_csv = write_cases_csv(work / "base.csv", 1_000, seed=1)
    big_csv = write_cases_csv(work / "big.csv", args.rows, seed=2)
    live, pristine = work / "live.duckdb", work / "pristine.duckdb"
    subprocess.run([sys.executable, "-m", "analytics", "ingest", str(base_csv), "--db", str(live)],
                   cwd=ROOT, check=True, capture_output=True)
    shutil.copyfile(live, pristine)
    before, before_state = sha256(live), state(live)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "analytics", "ingest", str(big_csv), "--db", str(live)],
                   cwd=ROOT, check=True, capture_output=True)
    full_s = time.monotonic() - started
    complete_state = state(live)
    shutil.copyfile(pristine, live)
    print(readers_during(big_csv, live), flush=True)
    shutil.copyfile(pristine, live)
    rng = random.Random(args.seed)
    unchanged = complete = broken = 0
    for _ in range(args.kills):
        process = ingest(big_csv, live)
        time.sleep(rng.uniform(0.0, full_s * 1.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if sha256(live) == before:
            unchanged += 1
        elif state(live) == complete_state:
            complete += 1
            shutil.copyfile(pristine, live)
        else:
            broken += 1
            print(f"HALF AN INGEST: {state(live)}", flush=True)
            shutil.copyfile(pristine, live)
    leftovers = [p.name for p in work.iterdir() if ".writing-" in p.name or ".spill-" in p.name]
    rerun = subprocess.run([sys.executable, "-m", "analytics", "ingest", str(big_csv), "--db", str(live)],
                           cwd=ROOT, capture_output=True, text=True)
    final = state(live)
    expected = expected_counts(args.rows)
    expected["rejected"] += expected_counts(1_000)["rejected"]   # base.csv's quarantine stays
    print(f"{args.kills} SIGKILLs over a {args.rows:,}-row ingest taking {full_s:.1f} s "
          f"(kill time uniform in 0-{full_s * 1.05:.1f} s)")
    print(f"database unchanged byte for byte: {unchanged}; complete (killed after the swap): "
          f"{complete}; half an ingest: {broken}")
    print(f"scratch files left by the kills before the re-run: {len(leftovers)} (removed by the next "
          f"writer); re-run exit {rerun.returncode}: cases {final[0]:,} (expected "
          f"{expected['inserted']:,}), rejected rows {final[1]:,} (expected {expected['rejected']:,}), "
          f"ingests {final[2]} (expected {before_state[2] + 1})")
    ok = (broken == 0 and rerun.returncode == 0 and final == complete_state
          and final[0] == expected["inserted"] and final[1] == expected["rejected"])
    print(f"rows lost: {0 if ok else 'SEE ABOVE'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
