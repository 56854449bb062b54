"""Serve the app on 127.0.0.1 and take a PNG (or dump the DOM) with headless Chromium.

    python tools/screenshot.py                       # Overview -> docs/screenshot.png
    python tools/screenshot.py --page markets --out /tmp/markets.png --query market=KZ

Uses the database in ESCALATION_RADAR_DB (or --db). tests/ui/test_browser.py reuses `serve`,
`dump_dom` and `take_screenshot`. Offline: Chromium is started with every background-network feature switched off.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(db_path: Path | None = None, timeout_s: float = 90) -> Iterator[str]:
    """Run `streamlit run app.py` on a free local port; yields its base URL."""
    port = free_port()
    env = os.environ | ({"ESCALATION_RADAR_DB": str(db_path)} if db_path else {})
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server, timeout_s)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_healthy(base: str, server: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited: {server.stderr.read().decode()[-2000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {base} within {timeout_s:.0f} s")


READY_JS = """(() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const busy = document.querySelector('[data-testid="stStatusWidget"]');
  const loading = main && main.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
  const running = document.querySelector('[data-test-script-state="running"]');
  const ready = !!main && !busy && !loading && !running && main.innerText.includes('Data freshness');
  return ready ? main.querySelectorAll('*').length : 0;
})()"""


class Chromium:
    """Headless Chromium driven over the DevTools protocol (with `websockets`, which Streamlit
    already requires): open a URL, wait until the Streamlit page has rendered."""

    def __init__(self, url: str, size: tuple[int, int] = (1400, 1000), timeout_s: float = 90):
        self.url, self.size, self.timeout_s = url, size, timeout_s

    def run(self, steps) -> object:
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
            command = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                       "--remote-debugging-port=0", f"--window-size={self.size[0]},{self.size[1]}",
                       "about:blank"]
            browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)
            try:
                return asyncio.run(asyncio.wait_for(self._session(browser, steps), self.timeout_s))
            finally:
                browser.terminate()
                browser.wait(timeout=10)

    async def _session(self, browser: subprocess.Popen, steps):
        from websockets.asyncio.client import connect

        port = await asyncio.to_thread(_devtools_port, browser)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
            target = next(t for t in json.load(response) if t["type"] == "page")
        async with connect(target["webSocketDebuggerUrl"], max_size=256 * 2**20) as socket:
            self._socket, self._next_id = socket, 0
            await self.call("Page.enable")
            await self.call("Page.navigate", url=self.url)
            await self._settle()
            return await steps(self)

    async def _settle(self, quiet_polls: int = 4) -> None:
        """Wait until the page is ready and its element count stayed the same for a while:
        Streamlit streams elements in and Plotly draws after, so one look is not enough."""
        counts: list[int] = []
        while len(counts) < quiet_polls or len(set(counts[-quiet_polls:])) > 1 or not counts[-1]:
            counts.append(await self.evaluate(READY_JS) or 0)
            await asyncio.sleep(0.4)

    async def call(self, method: str, **params) -> dict:
        self._next_id += 1
        await self._socket.send(json.dumps({"id": self._next_id, "method": method,
                                            "params": params}))
        while True:
            message = json.loads(await self._socket.recv())
            if message.get("id") == self._next_id:
                return message.get("result", {})
            self.on_event(message)

    def on_event(self, message: dict) -> None:
        """A DevTools event that arrived while waiting for an answer: not needed here (a
        subclass may record them)."""

    async def evaluate(self, expression: str):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def _devtools_port(browser: subprocess.Popen) -> int:
    for line in browser.stderr:
        match = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
        if match:
            return int(match.group(1))
    raise RuntimeError("chromium exited before opening its DevTools port")


def dump_dom(url: str) -> str:
    """The rendered page's HTML, once Streamlit has finished running it."""
    async def steps(browser: Chromium) -> str:
        return await browser.evaluate("document.documentElement.outerHTML")
    return Chromium(url).run(steps)


def take_screenshot(url: str, out: Path, size: tuple[int, int] = (1400, 1000)) -> None:
    """A PNG of the rendered page's viewport."""
    async def steps(browser: Chromium) -> None:
        shot = await browser.call("Page.captureScreenshot", format="png")
        out.write_bytes(base64.b64decode(shot["data"]))
    Chromium(url, size).run(steps)


def page_url(base: str, page: str, query: str = "") -> str:
    path = "" if page in ("", "overview") else page
    return f"{base}/{path}" + (f"?{query}" if query else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="overview", help="overview, markets, kpis, ...")
    parser.add_argument("--query", default="", help="URL query, e.g. market=KZ")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--db", type=Path, help="database file (default: ESCALATION_RADAR_DB)")
    parser.add_argument("--size", default="1400,1000", help="window width,height")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.split(","))
    with serve(args.db) as base:
        take_screenshot(page_url(base, args.page, args.query), args.out, (width, height))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
