"""Peak resident memory of `python -m analytics ingest` on each decompression or size bomb of
tests/hostile_bombs.py (issue 17 point 3: no hostile file may take the ingest past 3 GB).

    python bench/hostile_rss.py --scale 20     # the issue's sizes: ~2 MB files decoding to ~2 GB
    python bench/hostile_rss.py --scale 20 --checkout /path/to/an/older/checkout

Each file is ingested into a fresh database in its own process; the figure is that process's
peak RSS from wait4 (ru_maxrss), with its exit status and last line of output. `--limit-gb`
(default 6) sets RLIMIT_AS on the child so that an unbounded reader fails instead of taking the
machine with it (address space, not RSS: a reader that fails there is reported as over the cap).
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
# tests/hostile_bombs.py NAMES; not imported here (pyarrow would weigh on every child's maxrss)
NAMES = ("sharedstrings.xlsx", "dimension.xlsx", "inline_cell.xlsx", "dictionary.parquet",
         "rows.parquet", "bomb.csv.gz", "long_line.jsonl.gz")


def run(checkout: Path, path: Path, limit_gb: float) -> tuple[int, float, float, str]:
    """(exit status, peak RSS MB, seconds, last output line) of one CLI ingest of `path`."""
    def cap() -> None:
        size = int(limit_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, "-m", "analytics", "ingest", "--db",
                                  str(Path(folder) / "bomb.duckdb"), str(path)], cwd=checkout,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 preexec_fn=cap)
        output = child.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
    lines = [line for line in output.splitlines() if line.strip()]
    return (os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, seconds,
            lines[-1][:160] if lines else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--limit-gb", type=float, default=6.0)
    parser.add_argument("--folder", type=Path, default=None, help="keep the bombs here")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bombs"))
    # Written by a process of their own: a child's ru_maxrss counts the memory of the process it
    # was forked from, so this one must stay small.
    subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'tests'); import "
                    f"hostile_bombs, pathlib; hostile_bombs.write_all(pathlib.Path({str(folder)!r}), "
                    f"{args.scale})"], cwd=ROOT, check=True)
    files = {name: folder / name for name in NAMES}
    print(f"load: {os.getloadavg()[0]:.1f}; checkout {args.checkout}; scale {args.scale}")
    print("| file | size | exit | peak RSS MB | s | outcome |\n|---|---|---|---|---|---|")
    for name, path in files.items():
        code, rss, seconds, last = run(args.checkout, path, args.limit_gb)
        print(f"| {name} | {path.stat().st_size / 2**20:.2f} MB | {code} | {rss:,.0f} | "
              f"{seconds:.0f} | {last.replace('|', '/')} |", flush=True)


if __name__ == "__main__":
    main()
