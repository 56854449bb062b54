"""Server memory while ingests land (issue 17 point 10), the short version of
bench/memory_soak.py: SESSIONS AppTest sessions browse PAGES while INGESTS small exports land in
the database they read, one after the other (the real writer, a new data version each time).

AppTest runs the app in this process, so what the app caches is the process's: the known answer
is that what `st.cache_data` and `st.cache_resource` hold after the last ingest is one data
version's worth, no more than after the second (before ui/data.py's `_version` dropped the caches
of superseded versions, each landed ingest added a full set of marts, detections and trend
results, evicted only by count: the cache grew with every ingest), and resident memory after the
last ingest is at most that after the second + 150 MB (the issue's target, over fewer ingests).
Slow tier: ~SESSIONS x PAGES x INGESTS page runs."""
from __future__ import annotations

import gc

import pytest
from streamlit.runtime.caching import cache_data_api, cache_resource_api
from streamlit.testing.v1 import AppTest

from analytics import settings
from analytics.ingest import ingest_file

pytestmark = pytest.mark.slow
SESSIONS, INGESTS = 3, 8
PAGES = ["ui/pages/overview.py", "ui/pages/markets.py", "ui/pages/spikes.py",
         "ui/pages/trends.py"]
HEADER = "case_id,created_at,market,abuse_category,source,priority,status,summary\n"


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cached() -> tuple[dict[str, int], dict[str, int]]:
    """(bytes held by st.cache_data, pickled, and entries held by st.cache_resource), per cached
    function (Streamlit's own cache statistics)."""
    held: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for kind, caches in zip(held, (cache_data_api._data_caches,  # noqa: SLF001
                                   cache_resource_api._resource_caches)):  # noqa: SLF001
        for stats in caches.get_stats().values():
            for stat in stats:
                kind[stat.cache_name] = kind.get(stat.cache_name, 0) + stat.byte_length
    return held


def export(folder, number: int):
    """20 new cases on the demo's last days (tests/conftest.py DEMO_END)."""
    day = f"2026-03-{28 - number % 5:02d}"
    path = folder / f"soak_{number}.csv"
    path.write_text(HEADER + "".join(
        f"SOAK-{number}-{i},{day} {10 + i % 8}:00:00,KZ,scam,user_report,P2,open,"
        f"soak {number} case {i} wallet phishing link\n" for i in range(20)), encoding="utf-8")
    return path


def test_what_the_app_holds_stays_one_data_version_while_ingests_land(writable_db, tmp_path):
    sessions = [AppTest.from_file(str(settings.ROOT / "app.py"), default_timeout=300)
                for _ in range(SESSIONS)]
    for at in sessions:
        at.run()
    after = []
    for number in range(1, INGESTS + 1):
        report = ingest_file(export(tmp_path, number), db_path=writable_db)
        assert report.rows_inserted == 20
        for at in sessions:
            for page in PAGES:
                at.switch_page(page).run()
                assert not at.exception, (number, page, [e.value for e in at.exception])
        gc.collect()
        after.append((*cached(), rss_mb()))
    print("cache_data MB per ingest:", [round(sum(d.values()) / 2**20, 1) for d, _, _ in after],
          "cache_resource entries:", [sum(r.values()) for _, r, _ in after],
          "RSS MB:", [round(r) for _, _, r in after])
    (data_2nd, resources_2nd, rss_2nd), (data_last, resources_last, rss_last) = after[1], after[-1]
    # one data version's worth: the same resources, the same data within a few per cent (the
    # dataset grows by 20 cases an ingest)
    assert resources_last == resources_2nd, [r for _, r, _ in after]
    assert sum(data_last.values()) <= 1.2 * sum(data_2nd.values()), [sum(d.values()) for d, _, _ in after]
    assert rss_last <= rss_2nd + 150, [round(r) for _, _, r in after]
