"""The app served by `streamlit run` really renders in a browser (headless Chromium)."""
from __future__ import annotations

import importlib.util

import pytest

from analytics import settings

spec = importlib.util.spec_from_file_location("screenshot", settings.ROOT / "tools" / "screenshot.py")
screenshot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(screenshot)

pytestmark = pytest.mark.skipif(not screenshot.CHROMIUM.exists(),
                                reason="needs Debian's headless chromium at /usr/bin/chromium")


def test_overview_renders_in_chromium_with_a_plotly_chart(demo_db, tmp_path):
    with screenshot.serve(demo_db) as base:
        dom = screenshot.chromium(screenshot.page_url(base, "overview"), "--dump-dom")
        png = tmp_path / "markets.png"
        screenshot.chromium(screenshot.page_url(base, "markets", "market=KZ"),
                            f"--screenshot={png}", "--window-size=1400,1000")
    assert "Overview" in dom
    assert "js-plotly-plot" in dom or "plotly" in dom
    assert "Data freshness" in dom
    assert "Traceback" not in dom
    assert png.read_bytes().startswith(b"\x89PNG")
