"""A short load run through the real server: five concurrent websocket sessions clicking
through the pages for 20 s, with no error (on a page, in the server's log, a dropped
connection), every session held to the end and served. Only correctness under concurrency:
throughput, latency and memory growth are targets of bench/load_test.py (`missed_targets`), run
on a quiet machine, never asserted here (a throughput under load is a flaky test)."""
from __future__ import annotations

import sys

from analytics import settings

sys.path.insert(0, str(settings.ROOT / "bench"))
import load_test  # noqa: E402

# The pages whose data is plain marts; Spikes and Trends run detectors that the long bench
# covers (their warm-up alone takes about a minute on two cores).
PAGES = ["", "markets", "kpis", "vendors", "cases", "data"]


def test_five_sessions_for_twenty_seconds(demo_db, tmp_path):
    figures = load_test.measure(demo_db, sessions=5, seconds=20, pages=PAGES,
                                warm_queries=load_test.QUERIES[:2], log=tmp_path / "server.log")
    assert figures["errors"] == []
    assert figures["server_log_problems"] == []  # no traceback in the server's own log either
    assert figures["sessions_held"] == 5 and figures["server_alive"]
    assert figures["page_runs_served"] >= 5   # (served: no session left waiting for its page)


def test_spike_detection_is_one_shared_object_and_callers_cannot_change_it(app_db):
    """The Spikes, Markets and KPIs pages read the scored buckets of every segment (35 MB on the
    300k demo): cached as one shared object (cache_resource), not unpickled per hit and per
    session (cache_data), which is what took the server 1.1 GB above its warm level."""
    from analytics import db
    from ui import data

    version = db.data_version(data.db_path())
    assert data._detect(version, "day") is data._detect(version, "day")
    shared = data._detect(version, "day")[0]
    before = shared.copy(deep=True)
    scored, _ = data.detection("day")
    assert len(scored) and scored is not shared
    for column in scored.columns:  # a page changing its copy (copy-on-write copies it first)
        scored[column] = None
    assert shared.equals(before)


def test_the_server_never_reloads_modules_while_sessions_run():
    """Under load a source change made sessions fail mid-import (KeyError: 'analytics')."""
    import tomllib

    config = tomllib.loads((settings.ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
