"""Each snapshot chart as a PNG, through Plotly's static export (kaleido 1.x) driving a Chromium.

Kaleido 1.x ships no browser: it finds an installed Chrome/Chromium (choreographer looks at
$BROWSER_PATH first, then the usual places such as /usr/bin/chromium). We never call its
`get_chrome` download. Where no browser (or no kaleido) is found the snapshot is written without
PNGs and `export_pngs` returns the reason, which the snapshot prints.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import plotly.graph_objects as go

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_browser() -> Path | None:
    """The Chromium/Chrome to use: $BROWSER_PATH if it exists, else the first on PATH."""
    wanted = os.environ.get("BROWSER_PATH")
    if wanted:
        return Path(wanted) if Path(wanted).exists() else None
    found = next((shutil.which(name) for name in CANDIDATES if shutil.which(name)), None)
    return Path(found) if found else None


def export_pngs(figures: dict[str, go.Figure], folder: Path, *,
                browser: Path | None | str = "auto") -> tuple[list[Path], str | None]:
    """Write `<name>.png` for every figure; (written files, reason they are missing or None)."""
    if not figures:
        return [], None
    browser = find_browser() if browser == "auto" else browser
    if browser is None or not Path(browser).exists():
        return [], ("no Chromium or Chrome browser is installed on the machine that made this "
                    "snapshot, so the charts are not exported as PNG (they are live in this page)")
    try:
        import plotly.io as pio
    except ImportError as exc:  # pragma: no cover - plotly is a core dependency
        return [], f"plotly static export unavailable: {exc}"
    paths = [folder / f"{name}.png" for name in figures]
    previous = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = str(browser)  # choreographer's way to name the browser
    try:
        pio.write_images(list(figures.values()), paths, width=1100, height=480, scale=1)
    except Exception as exc:  # kaleido missing, browser failed to start: say why, keep going
        return [], f"PNG export failed ({type(exc).__name__}: {exc})"
    finally:
        if previous is None:
            os.environ.pop("BROWSER_PATH", None)
        else:
            os.environ["BROWSER_PATH"] = previous
    return paths, None
