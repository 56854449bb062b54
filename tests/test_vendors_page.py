"""The Vendors page from the real entry point on the demo: scorecard with status, attention
list, drill-down kept in the URL, and a warm rerun within the ~1 s budget."""
from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from analytics import settings

APP = str(settings.ROOT / "app.py")


def open_vendors(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(query)
    at.run(timeout=60)
    at.switch_page("app_pages/vendors.py").run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def table(at: AppTest, key_column: str):
    return next(d.value for d in at.dataframe if key_column in d.value.columns)


def test_vendors_page_scorecard_attention_and_drilldown_in_url(app_db):
    at = open_vendors({"vendor": "Cobalt Ops", "period": "month"})
    assert at.selectbox(key="vendor_pick").value == "Cobalt Ops"
    card = table(at, "vendor_sla_attainment_pct").set_index("vendor")
    assert card.loc["Borealis Review", "handle_time_vs_expected_pct"].startswith("🔴")
    assert card.loc["Cobalt Ops", "handle_time_vs_expected_pct"].startswith("🟢")
    attention = table(at, "mix_explains")
    assert "Borealis Review" in attention["vendor"].tolist()
    assert "amber band" in "\n".join(c.value for c in at.caption)
    at.selectbox(key="vendor_pick").set_value("Borealis Review").run()
    assert at.query_params["vendor"] in ("Borealis Review", ["Borealis Review"])
    started = time.perf_counter()
    at.run()
    assert time.perf_counter() - started < 1.5      # warm: marts come from the cache
    assert len(at.get("plotly_chart")) == 1


def test_vendors_page_ignores_an_unknown_vendor_in_the_url(app_db):
    at = open_vendors({"vendor": "No Such Vendor", "vendor_kpi": "nonsense"})
    assert at.selectbox(key="vendor_pick").value == "Aurora BPO"
    assert at.selectbox(key="vendor_kpi").value == "handle_time_median_s"
