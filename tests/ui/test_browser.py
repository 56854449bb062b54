"""The app served by `streamlit run` really renders in a browser (headless Chromium)."""
from __future__ import annotations

import importlib.util

import pytest

from analytics import settings

spec = importlib.util.spec_from_file_location("screenshot", settings.ROOT / "tools" / "screenshot.py")
screenshot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(screenshot)

# slow: a server, a browser and Plotly drawn (64 s of call + 30 s of setup at load 16)
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not screenshot.CHROMIUM.exists(),
                                 reason="needs Debian's headless chromium at /usr/bin/chromium")]


def test_overview_renders_in_chromium_with_a_plotly_chart(demo_db, tmp_path):
    png = tmp_path / "markets.png"
    with screenshot.serve(demo_db) as base:
        dom = screenshot.dump_dom(screenshot.page_url(base, "overview"))
        markets_dom = screenshot.dump_dom(screenshot.page_url(base, "markets", "market=UZ"))
        screenshot.take_screenshot(screenshot.page_url(base, "kpis"), png)
    assert "<h1" in dom and ">Overview<" in dom
    assert dom.count("js-plotly-plot") >= 2
    assert "Data freshness: newest case 2026-03-31" in dom
    assert "Traceback" not in dom and "Traceback" not in markets_dom
    assert "UZ, 2026-" in markets_dom  # the market from the URL is the one shown
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000
