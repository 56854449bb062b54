"""A short load run through the real server (bench/load_test.py has the long one): five
concurrent websocket sessions clicking through the pages for 20 s, with no error, every session
held to the end, and memory bounded above the warmed-up level."""
from __future__ import annotations

import sys

from analytics import settings

sys.path.insert(0, str(settings.ROOT / "bench"))
import load_test  # noqa: E402

# The pages whose data is plain marts; Spikes and Trends run detectors that the long bench
# covers (their warm-up alone takes about a minute on two cores).
PAGES = ["", "markets", "kpis", "vendors", "cases", "data"]


def test_five_sessions_for_twenty_seconds(demo_db):
    figures = load_test.measure(demo_db, sessions=5, seconds=20, pages=PAGES,
                                warm_queries=load_test.QUERIES[:2])
    assert figures["errors"] == []
    assert figures["sessions_held"] == 5 and figures["server_alive"]
    assert figures["page_runs_served"] >= 5 * 20 / 4   # each session clicks at least every 4 s
    assert figures["latency_p95_s"] < 10
    assert figures["rss_growth_mb"] <= 300
