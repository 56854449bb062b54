"""The core figures: demo generation time and ingest speed of the real sample exports.

    python bench/core_figures.py [--runs 3] [--cases 300000]

Each figure is the median of --runs runs, each into a fresh database under a temporary folder.
Prints a Markdown table for BENCHMARKS.md with the machine's core count and load.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import ingest, settings  # noqa: E402
from analytics.demo import load as demo

SAMPLES = settings.ROOT.parent / "shared" / "samples"
MAPPINGS = settings.ROOT / "data" / "mappings"
EXPORTS = (
    ("ServiceNow incident log (zip)", SAMPLES / "uci_incident_log" / "incident_event_log.zip",
     "servicenow_incident_log"),
    ("NYC 311 animals (CSV)", SAMPLES / "nyc311_animals" / "311_Animals_short.csv", "nyc311"),
)


def _median_run(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            result = fn(Path(tmp) / "bench.duckdb")
            times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", type=int, default=300_000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}\n")
    print("| figure | median of runs | detail |\n| --- | --- | --- |")
    gen_s, data = _median_run(lambda _: demo.generate(args.cases, seed=7), args.runs)
    print(f"| demo generation, {len(data.cases):,} cases + {len(data.reviews):,} reviews "
          f"| {gen_s:.2f} s | {len(data.cases) / gen_s:,.0f} cases/s |")
    load_s, result = _median_run(lambda p: demo.load_demo(p, n_cases=args.cases, seed=7), args.runs)
    print(f"| `python -m analytics demo` (generate + ingest both tables) | {load_s:.2f} s "
          f"| ingest part {result['load_s']:.2f} s |")
    for label, path, mapping in EXPORTS:
        secs, report = _median_run(lambda p: ingest.ingest_file(path, mapping=MAPPINGS / f"{mapping}.toml", db_path=p),
                                   args.runs)
        print(f"| ingest {label}: {report.rows_read:,} rows | {secs:.2f} s "
              f"| {report.rows_read / secs:,.0f} rows/s; {report.summary()} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
