"""How long every page takes in AppTest on a demo database: cold (first run) and warm.

    python bench/page_times.py                    # the default demo (300k cases), built if missing
    python bench/page_times.py --db /tmp/x.duckdb --cases 20000 --repeat 5

Cold is each page's first run in this process after clearing st.cache_data (the mart queries
run); warm is the median of the next runs (cache hits, plus building the figures). The app's
target: every page answers within a second after the first load.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ["overview", "markets", "kpis", "vendors", "cases", "data"]


def timed_run(at, timeout: float) -> float:
    started = time.perf_counter()
    at.run(timeout=timeout)
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return elapsed


def measure(repeat: int) -> list[tuple[str, float, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    start_up = timed_run(at, 600)  # imports, the sidebar's filter options; may build the demo
    print(f"first app run (imports, filter options): {start_up:.2f} s")
    rows = []
    for page in PAGES:
        at.switch_page(f"ui/pages/{page}.py")
        st.cache_data.clear()
        cold = timed_run(at, 120)
        warm = statistics.median(timed_run(at, 120) for _ in range(repeat))
        rows.append((page, cold, warm))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: ESCALATION_RADAR_DB)")
    parser.add_argument("--cases", type=int, help="demo size if the database must be built")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.db:
        os.environ["ESCALATION_RADAR_DB"] = str(args.db)
    if args.cases:
        os.environ["ESCALATION_RADAR_DEMO_CASES"] = str(args.cases)
    rows = measure(args.repeat)
    print(f"{'page':10} {'cold s':>8} {'warm s':>8}")
    for page, cold, warm in rows:
        print(f"{page:10} {cold:8.3f} {warm:8.3f}")
    slowest = max(rows, key=lambda r: r[2])
    print(f"slowest warm: {slowest[0]} {slowest[2]:.3f} s; slowest cold: "
          f"{max(r[1] for r in rows):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
