"""Load: many concurrent sessions clicking through the pages of the real server.

    python bench/load_test.py --sessions 20 --seconds 180          # on ESCALATION_RADAR_DB
    python bench/load_test.py --sessions 5 --seconds 20 --db /tmp/demo.duckdb --json out.json

Starts `streamlit run app.py` on a free 127.0.0.1 port and drives each session as the browser
does: a websocket to /_stcore/stream speaking Streamlit's protobuf protocol (a BackMsg asks
for a run of a page with a query string; ForwardMsgs stream the elements back until
`script_finished`). Chromium tabs would measure 20 browsers on 2 cores, not the server.
One session first opens every page with every filter (caches filled: the "warmed-up" memory level), then all
sessions cycle through the pages with different filters and a short think time. Reported:
sessions held, page runs served, latency p50/p95/max, server RSS (warm, peak, growth), errors
(an exception or a "could not" error on a page, a failed run, a dropped connection, a
timeout).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools.screenshot import _wait_healthy, free_port  # noqa: E402

PAGES = ["", "markets", "kpis", "spikes", "trends", "vendors", "cases", "data"]
QUERIES = ["", "markets=KZ", "markets=UZ&markets=KG", "categories=fraud", "sources=regulator",
           "markets=KZ&q=spam", "grain=hour", "markets=RU"]
RUN_TIMEOUT_S = 120


def start_server(db: Path | None, log: Path) -> tuple[subprocess.Popen, str]:
    """The real server on a free port. Its output goes to `log`, not to a pipe: nobody reads
    a pipe during the run, and once 64 kB of log lines filled it the server would block."""
    port = free_port()
    env = os.environ | ({"ESCALATION_RADAR_DB": str(db)} if db else {})
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server, 300)
    except AttributeError:  # it exited: _wait_healthy looked for a pipe to read
        raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
    return server, base


def rss_mb(pid: int) -> float:
    """Resident memory of the process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """One browser tab's worth of protocol: run a page, wait until the script finished."""

    def __init__(self, base: str):
        self.url = base.replace("http://", "ws://") + "/_stcore/stream"

    async def __aenter__(self):
        from websockets.asyncio.client import connect
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=2**28)
        return self

    async def __aexit__(self, *exc):
        await self.socket.close()

    async def run_page(self, page: str, query: str) -> tuple[float, list[str]]:
        """Seconds until the run finished, and the problems it showed."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        problems: list[str] = []
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.socket.recv(), RUN_TIMEOUT_S))
            problems += _problems(reply, page)
            if reply.WhichOneof("type") == "script_finished":
                if reply.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if reply.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problems.append(f"{page}: run ended with status {reply.script_finished}")
                return time.perf_counter() - started, problems


def _problems(reply, page: str) -> list[str]:
    kind = reply.WhichOneof("type")
    if kind == "page_not_found":
        return [f"{page}: page not found"]
    if kind != "delta" or reply.delta.WhichOneof("type") != "new_element":
        return []
    element = reply.delta.new_element
    if element.WhichOneof("type") == "exception":
        return [f"{page}: exception {element.exception.type}: {element.exception.message[:200]}"]
    # st.error is also content (a vendor missing its targets); the app's failures say "could not"
    alert = element.alert if element.WhichOneof("type") == "alert" else None
    if alert and alert.format == alert.ERROR and "could not" in alert.body.lower():
        return [f"{page}: st.error {alert.body[:200]}"]
    return []


async def warm_up(base: str, pages: list[str], queries: list[str]) -> list[str]:
    """Every page with every query once: the caches hold what the load will ask for."""
    problems = []
    async with Session(base) as session:
        for query in queries:
            for page in pages:
                problems += (await session.run_page(page, query))[1]
    return problems


async def user(base: str, pages: list[str], number: int, deadline: float, stats: dict) -> None:
    """One simulated user: every page in turn, own filters, 0.5-2 s between clicks."""
    rng = random.Random(number)
    query = QUERIES[number % len(QUERIES)]
    try:
        async with Session(base) as session:
            stats["connected"] += 1
            step, page = number, None
            while time.monotonic() < deadline:
                page = pages[step % len(pages)]
                seconds, problems = await session.run_page(page, query)
                stats["latencies"].append(seconds)
                stats["by_page"].setdefault(page or "overview", []).append(seconds)
                stats["errors"] += problems
                step += 1
                await asyncio.sleep(rng.uniform(0.5, 2.0))
            stats["held"] += 1
    except Exception as exc:  # a dropped connection or a timeout is an error of the run
        stats["errors"].append(f"session {number} on {page!r} ({query}): "
                               f"{type(exc).__name__}: {exc}")


async def sample_memory(pid: int, until: float, samples: list[float]) -> None:
    while time.monotonic() < until:
        samples.append(rss_mb(pid))
        await asyncio.sleep(1.0)


async def load(base: str, pages: list[str], pid: int, sessions: int, seconds: float) -> dict:
    stats = {"connected": 0, "held": 0, "latencies": [], "by_page": {}, "errors": []}
    deadline = time.monotonic() + seconds
    memory: list[float] = []
    sampler = asyncio.create_task(sample_memory(pid, deadline + 5, memory))
    await asyncio.gather(*(user(base, pages, n, deadline, stats) for n in range(sessions)))
    await sampler
    return stats | {"memory": memory}


def log_problems(log: Path) -> list[str]:
    """Lines of the server's log that report a failure (tracebacks, errors, warnings)."""
    words = ("Traceback", "Error", "ERROR", "WARNING", "Exception")
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line[:300] for line in lines if any(w in line for w in words)]


def measure(db: Path | None, sessions: int, seconds: float, pages: list[str] = PAGES,
            warm_queries: list[str] = QUERIES, log: Path | None = None) -> dict:
    """Start the server, warm it up, run the load; every figure of the run as a dict."""
    log = log or Path(tempfile.mkstemp(prefix="load_test_server_", suffix=".log")[1])
    server, base = start_server(db, log)
    try:
        started = time.perf_counter()
        warm_problems = asyncio.run(warm_up(base, pages, warm_queries))
        warm_s, warm_rss = time.perf_counter() - started, rss_mb(server.pid)
        stats = asyncio.run(load(base, pages, server.pid, sessions, seconds))
        alive = server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = np.array(stats["latencies"] or [np.nan])
    peak = max(stats["memory"] or [warm_rss])
    return {"sessions": sessions, "seconds": seconds, "sessions_connected": stats["connected"],
            "sessions_held": stats["held"], "page_runs_served": len(stats["latencies"]),
            "runs_per_s": round(len(stats["latencies"]) / seconds, 2),
            "latency_p50_s": round(float(np.nanpercentile(latencies, 50)), 3),
            "latency_p95_s": round(float(np.nanpercentile(latencies, 95)), 3),
            "latency_max_s": round(float(np.nanmax(latencies)), 3),
            "warm_up_s": round(warm_s, 1), "rss_warm_mb": round(warm_rss, 1),
            "rss_peak_mb": round(peak, 1), "rss_growth_mb": round(peak - warm_rss, 1),
            "p95_by_page_s": {page: round(float(np.percentile(values, 95)), 2)
                              for page, values in stats["by_page"].items()},
            "server_alive": alive, "server_log": str(log),
            "server_log_problems": log_problems(log)[:20],
            "errors": warm_problems + stats["errors"]}


# the speed and memory targets of a run (tests/ui/test_load.py checks only that it is correct)
TARGETS = {"seconds_between_clicks_per_session": 4.0, "latency_p95_s": 10.0, "rss_growth_mb": 300.0}


def missed_targets(figures: dict) -> list[str]:
    """The TARGETS a run's figures miss, in words (empty: all met).

    >>> missed_targets({"sessions": 5, "seconds": 20, "page_runs_served": 20,
    ...                 "latency_p95_s": 3.0, "rss_growth_mb": 120.0})
    ['page runs 20 < 25 (each session clicks at least every 4 s)']
    """
    wanted = figures["sessions"] * figures["seconds"] / TARGETS["seconds_between_clicks_per_session"]
    missed = []
    if figures["page_runs_served"] < wanted:
        missed.append(f"page runs {figures['page_runs_served']} < {wanted:.0f} (each session clicks "
                      f"at least every {TARGETS['seconds_between_clicks_per_session']:.0f} s)")
    if not figures["latency_p95_s"] < TARGETS["latency_p95_s"]:
        missed.append(f"latency p95 {figures['latency_p95_s']} s >= {TARGETS['latency_p95_s']:.0f} s")
    if not figures["rss_growth_mb"] <= TARGETS["rss_growth_mb"]:
        missed.append(f"RSS growth {figures['rss_growth_mb']} MB > {TARGETS['rss_growth_mb']:.0f} MB")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--db", type=Path, help="database file (default: ESCALATION_RADAR_DB)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--pages", default=",".join(PAGES),
                        help="url paths to cycle through (empty = Overview)")
    args = parser.parse_args(argv)
    figures = measure(args.db, args.sessions, args.seconds, args.pages.split(","))
    text = json.dumps(figures, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    ok = (not figures["errors"] and not figures["server_log_problems"]
          and figures["sessions_held"] == args.sessions)
    missed = missed_targets(figures)
    print("targets: " + ("all met" if not missed else "; ".join(missed)), file=sys.stderr)
    return 0 if ok and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
