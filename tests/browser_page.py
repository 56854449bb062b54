"""A page of the app served by `streamlit run` (tools/screenshot.py) in Debian's headless
Chromium driven by Playwright, at the 1440 x 900 the issues' screenshots use."""
from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path

from analytics import settings

spec = importlib.util.spec_from_file_location("screenshot", settings.ROOT / "tools" / "screenshot.py")
screenshot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(screenshot)
HAS_CHROMIUM = screenshot.CHROMIUM.exists()
# Streamlit has finished a run: the page body is there and nothing is still running or loading.
READY = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return !!main && main.innerText.includes('Data freshness')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !main.querySelector('[data-testid="stSkeleton"]');
}"""


@contextlib.contextmanager
def app_page(db_path: Path, page: str, query: str = "", size=(1440, 900), timeout_ms=90_000):
    """The Playwright page of `page` of the app on `db_path` (closed on leaving)."""
    from playwright.sync_api import sync_playwright

    with screenshot.serve(db_path) as base, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(screenshot.CHROMIUM),
                                         args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        try:
            tab = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
            tab.set_default_timeout(timeout_ms)
            tab.goto(screenshot.page_url(base, page, query))
            yield tab
        finally:
            browser.close()
