"""One page's full render time in headless Chromium at scale, Plotly drawing included, and the
app server's peak memory after a few page loads.

The app is served the way tools/screenshot.py serves it (`streamlit run app.py` on 127.0.0.1)
and Chromium is driven over the DevTools protocol with its `Chromium` class. Render time: from
Page.navigate until the page is ready (no spinner, script not running, 'Data freshness' shown)
and its element count (Plotly's SVG included) has stopped changing; the time reported is that
of the last change, not the end of the quiet window that confirms it.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from scale_proc import ROOT, median, vm_hwm_mb

sys.path.insert(0, str(ROOT / "tools"))
import screenshot  # noqa: E402

QUIET_S, POLL_S = 1.5, 0.05
PAGES_LOADED = ("overview", "markets", "vendors")


@contextlib.contextmanager
def serve(db_path: Path):
    """`streamlit run app.py` on a free local port: yields (base URL, server process)."""
    port = screenshot.free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
               str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | {"ESCALATION_RADAR_DB": str(db_path)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        screenshot._wait_healthy(base, server, 120)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


async def _render_time(browser, url: str) -> float:
    """Navigate and wait until rendered; seconds to the last change in the element count."""
    started = time.perf_counter()
    await browser.call("Page.navigate", url=url)
    last_count, last_change = None, started
    while True:
        count = await browser.evaluate(screenshot.READY_JS) or 0
        now = time.perf_counter()
        if count != last_count:
            last_count, last_change = count, now
        elif count and now - last_change >= QUIET_S:
            return last_change - started
        await asyncio.sleep(POLL_S)


def render_times(url: str, runs: int) -> list[float]:
    """The first load (server caches cold) then `runs` reloads, in one browser."""
    async def steps(browser):
        return [await _render_time(browser, url) for _ in range(runs + 1)]
    browser = screenshot.Chromium("about:blank", timeout_s=1800)
    browser._settle = lambda: asyncio.sleep(0)   # about:blank never shows a Streamlit page
    return browser.run(steps)


def measure_browser(db_path: Path, runs: int, results, log, page: str = "overview") -> None:
    with serve(db_path) as (base, server):
        times = render_times(screenshot.page_url(base, page), runs)
        for other in PAGES_LOADED:
            if other != page:
                render_times(screenshot.page_url(base, other), 0)
        peak = vm_hwm_mb(server.pid)
    log(f"  chromium {page}: first {times[0]:.2f} s, reloads {[round(t, 2) for t in times[1:]]}; "
        f"server peak RSS {peak:,.0f} MB")
    results.add("2 pages", f"{page} in headless Chromium, first load (server cold, Plotly drawn)",
                times[0])
    results.add("2 pages", f"{page} in headless Chromium, reload (median, server caches warm)",
                median(times[1:]))
    results.peak(f"app (streamlit server, {len(PAGES_LOADED)} pages loaded)", peak)
