"""Every page's AppTest time at scale, each page in a fresh process (the way bench/page_times.py
runs AppTest from app.py, with ESCALATION_RADAR_DB pointing at the database):

- cold: the first run of the page in a fresh process (imports, the sidebar's filter options,
  the page's marts and detectors: nothing cached);
- warm: the median of reruns (cache hits plus drawing);
- filter: one change of the sidebar market filter (`filter_markets`) and its rerun, median over
  --runs different markets (each a new cache key).

Run as a child: `python bench/scale_pages.py PAGE RUNS` prints one JSON line; with
SCALE_PROFILE_DIR set, the cold run is profiled with cProfile into DIR/page_PAGE.prof.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("SCALE_CODE") or Path(__file__).resolve().parent.parent)
PAGES = ["overview", "markets", "kpis", "spikes", "trends", "vendors", "cases", "data", "alerts",
         "snapshots"]
TIMEOUT_S = 900


def _timed(at) -> float:
    started = time.perf_counter()
    at.run(timeout=TIMEOUT_S)
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return elapsed


def child(page: str, runs: int) -> dict:
    import statistics

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.switch_page(f"ui/pages/{page}.py")
    profile_dir = os.environ.get("SCALE_PROFILE_DIR")   # cProfile the cold run when set
    if profile_dir:   # AppTest runs the script in its own thread: profile the threads it starts
        import cProfile
        import threading
        profiler = cProfile.Profile()

        def start_profiling(*_):
            sys.setprofile(None)
            profiler.enable()
        threading.setprofile(start_profiling)
        cold = _timed(at)
        threading.setprofile(None)
        profiler.dump_stats(str(Path(profile_dir) / f"page_{page}.prof"))
    else:
        cold = _timed(at)
    warm = statistics.median(_timed(at) for _ in range(runs))
    markets = at.multiselect(key="filter_markets").options
    changes = []
    for market in markets[:runs]:
        at.multiselect(key="filter_markets").set_value([market])
        changes.append(_timed(at))
    from scale_proc import vm_hwm_mb
    return {"page": page, "cold_s": cold, "warm_s": warm,
            "filter_s": statistics.median(changes) if changes else None,
            "peak_rss_mb": vm_hwm_mb(os.getpid())}   # this process only (see scale_proc.run_child)


def measure_pages(db_path: Path, runs: int, results, log) -> None:
    from scale_proc import run_child

    # as after any ingest by the watcher or the Data page (a cron ingest should run it too): the
    # day's detection results are stored once, so no page's first visit pays for scoring
    stored = run_child(["-m", "analytics", "precompute", "--db", str(db_path)])
    results.add("2 pages", "detection stored for every app process (python -m analytics precompute)",
                stored.seconds, f"once per data version; CPU {stored.cpu_s:.1f} s; "
                f"peak RSS {stored.peak_rss_mb:,.0f} MB")
    log(f"  precompute: {stored.seconds:.1f} s")
    for page in PAGES:
        done = run_child([str(Path(__file__)), page, str(runs)], env={"ESCALATION_RADAR_DB": str(db_path)})
        got = done.last_json()
        results.peak("app (AppTest process)", got.get("peak_rss_mb", done.peak_rss_mb))
        log(f"  page {page}: cold {got['cold_s']:.2f} s, warm {got['warm_s']:.2f} s, "
            f"filter {got['filter_s'] or float('nan'):.2f} s, peak RSS {got.get('peak_rss_mb', 0):,.0f} MB")
        cpu = getattr(done, "cpu_s", float("nan"))
        results.add("2 pages", f"{page}: cold (fresh process)", got["cold_s"],
                    f"the whole child process used {cpu:.1f} s of CPU", target="≤ 5 s",
                    ok=got["cold_s"] <= 5)
        results.add("2 pages", f"{page}: warm (median of reruns)", got["warm_s"], target="≤ 1 s",
                    ok=got["warm_s"] <= 1)
        if got["filter_s"] is not None:
            results.add("2 pages", f"{page}: one market filter change", got["filter_s"],
                        target="≤ 0.5 s", ok=got["filter_s"] <= 0.5)


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]))))
