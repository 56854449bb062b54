"""Memory of the app server while ingests land (issue 17 point 10: it grew ~100 MB per ingest).

    python bench/memory_soak.py --sessions 10 --ingests 50 --cases 100000
    python bench/memory_soak.py --checkout /path/to/older/checkout ...    # the same, older code

Generates a demo database (`--cases`), starts the real server (`streamlit run app.py`, as
bench/load_test.py does) on it, and keeps `--sessions` websocket sessions clicking through the
pages (bench/load_test.py's `user`) while `--ingests` small exports (`--rows` new cases each,
dated inside the demo's range) are loaded one after the other with `python -m analytics ingest`
into the database the server reads. After each ingest has landed and the sessions have had
`--settle` seconds to read it, the server's RSS is sampled. Wanted: RSS after the last ingest
<= RSS after the 5th + 150 MB. Prints one line per ingest and a JSON summary.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import load_test  # noqa: E402

PAGES = ["", "markets", "kpis", "spikes", "trends", "cases"]
HEADER = "case_id,created_at,market,abuse_category,source,priority,status,summary\n"


def export(path: Path, number: int, rows: int, end: str) -> Path:
    """`rows` new cases (ids unique to this ingest) on the demo's last days."""
    day = f"{end[:8]}{int(end[8:10]) - 1 - number % 5:02d}"
    lines = [f"SOAK-{number}-{i},{day} {10 + i % 10}:00:00,KZ,scam,user_report,P2,open,"
             f"soak {number} case {i} wallet phishing link\n" for i in range(rows)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def ingests(db: Path, count: int, rows: int, end: str, settle: float, pid: int, folder: Path,
            checkout: Path, results: list, stop: threading.Event) -> None:
    for number in range(1, count + 1):
        path = export(folder / f"soak_{number}.csv", number, rows, end)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "analytics", "ingest", "--db", str(db),
                               str(path)], cwd=checkout, capture_output=True, text=True)
        landed = time.monotonic() - started
        time.sleep(settle)
        rss = load_test.rss_mb(pid)
        results.append({"ingest": number, "rss_mb": round(rss, 1), "ingest_s": round(landed, 1),
                        "ok": done.returncode == 0})
        print(f"ingest {number:3d}: {'ok' if done.returncode == 0 else 'FAILED'} in "
              f"{landed:5.1f} s, server RSS {rss:8.1f} MB, load {os.getloadavg()[0]:.1f}",
              flush=True)
    stop.set()


async def browse(base: str, sessions: int, stop: threading.Event, stats: dict) -> None:
    """The sessions click until the ingests are done (load_test.user with a far deadline,
    cancelled when `stop` is set)."""
    far = time.monotonic() + 10 * 3600
    users = [asyncio.create_task(load_test.user(base, PAGES, n, far, stats))
             for n in range(sessions)]
    while not stop.is_set():
        await asyncio.sleep(1.0)
    for task in users:
        task.cancel()
    await asyncio.gather(*users, return_exceptions=True)


def _not_the_demo(db: Path) -> None:
    """Mark the generated dataset as ordinary data, so that exports may be loaded into it (the
    demo refuses them: analytics/dataset.py)."""
    sys.path.insert(0, str(ROOT))
    from analytics import db as database
    from analytics import dataset
    with database.writer(db, derived="keep") as con:
        con.execute("update schema_meta set value = 'memory soak' where key = ?", [dataset.KEY])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--ingests", type=int, default=50)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--settle", type=float, default=8.0)
    parser.add_argument("--end", default="2026-03-31")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="code the server runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="memory_soak_"))
    db = folder / "soak.duckdb"
    made = subprocess.run([sys.executable, "-m", "analytics", "demo", "--cases", str(args.cases),
                           "--end", args.end, "--db", str(db)], cwd=args.checkout,
                          capture_output=True, text=True)
    if made.returncode:
        raise SystemExit(f"demo generation failed: {made.stdout[-1500:]}{made.stderr[-1500:]}")
    _not_the_demo(db)
    log = folder / "server.log"
    original_root = load_test.ROOT
    load_test.ROOT = args.checkout   # start_server runs `<ROOT>/app.py`
    server, base = load_test.start_server(db, log)
    load_test.ROOT = original_root
    results: list[dict] = []
    stats = {"connected": 0, "held": 0, "latencies": [], "by_page": {}, "errors": []}
    stop = threading.Event()
    try:
        asyncio.run(load_test.warm_up(base, PAGES, [""]))
        print(f"warm: server RSS {load_test.rss_mb(server.pid):.1f} MB", flush=True)
        worker = threading.Thread(target=ingests, args=(db, args.ingests, args.rows, args.end,
                                                        args.settle, server.pid, folder,
                                                        args.checkout, results, stop))
        worker.start()
        asyncio.run(browse(base, args.sessions, stop, stats))
        worker.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    fifth = results[min(4, len(results) - 1)]["rss_mb"]
    last = results[-1]["rss_mb"]
    summary = {"checkout": str(args.checkout), "sessions": args.sessions, "ingests": len(results),
               "cases": args.cases, "rss_after_5th_mb": fifth, "rss_after_last_mb": last,
               "growth_5th_to_last_mb": round(last - fifth, 1),
               "target_met": last <= fifth + 150, "page_runs": len(stats["latencies"]),
               "errors": stats["errors"][:5], "failed_ingests": sum(not r["ok"] for r in results)}
    print(json.dumps(summary, indent=1))
    return 0 if summary["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
