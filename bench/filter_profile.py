"""Where one sidebar filter change of a page spends its time: each mart query (name, seconds,
rows) against the rest (Streamlit, pandas, Plotly), in AppTest, the way bench/scale_pages.py
measures the filter change.

    ESCALATION_RADAR_DB=/tmp/scale/n10000000/loaded_10000000.duckdb \\
        python bench/filter_profile.py kpis [--markets 3] [--cprofile 25]

For each of the first --markets markets: the run's wall time, the time inside mart queries and
each query. With --cprofile N, one more change is profiled and its N costliest functions
(cumulative) are printed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("SCALE_CODE") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="a page module of ui/pages/, e.g. kpis")
    parser.add_argument("--markets", type=int, default=3)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)

    from streamlit.testing.v1 import AppTest

    from analytics import db

    calls: list[tuple[str, float, int]] = []
    query_df = db.query_df

    def timed(con, name, **params):
        started = time.perf_counter()
        frame = query_df(con, name, **params)
        calls.append((name.rsplit("/", 1)[-1], time.perf_counter() - started, len(frame)))
        return frame
    db.query_df = timed

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.switch_page(f"ui/pages/{args.page}.py")
    for label in ("cold", "warm"):
        started = time.perf_counter()
        at.run()
        print(f"{label}: {time.perf_counter() - started:.3f} s")
        if at.exception:
            raise SystemExit([e.value for e in at.exception])
    markets = at.multiselect(key="filter_markets").options
    for market in markets[:args.markets]:
        calls.clear()
        at.multiselect(key="filter_markets").set_value([market])
        started = time.perf_counter()
        at.run()
        total = time.perf_counter() - started
        in_marts = sum(seconds for _, seconds, _ in calls)
        print(f"filter {market}: {total:.3f} s, marts {in_marts:.3f} s, the rest "
              f"{total - in_marts:.3f} s: " + ", ".join(f"{name} {seconds:.3f} s ({rows:,} rows)"
                                                     for name, seconds, rows in calls))
    if args.cprofile and len(markets) > args.markets:
        import cProfile
        import pstats
        import threading
        profiler = cProfile.Profile()

        def start(*_):   # AppTest runs the script in a thread of its own
            sys.setprofile(None)
            profiler.enable()
        threading.setprofile(start)
        at.multiselect(key="filter_markets").set_value([markets[args.markets]])
        at.run()
        threading.setprofile(None)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
