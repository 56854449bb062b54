"""The Vendors page from the real entry point on the demo: scorecard with status, attention
list, drill-down kept in the URL, and a warm rerun within the ~1 s budget."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.vendors import drilldown
from analytics.vendors import tables as vendor_views

APP = str(settings.ROOT / "app.py")


def open_vendors(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(query)
    at.run(timeout=60)
    at.switch_page("ui/pages/vendors.py").run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    return at


def vendor_report_of(at: AppTest):
    """The report the page showed, rebuilt from the same marts (period from the URL)."""
    from analytics.vendors import report as vendor_report
    from ui import data
    period = at.segmented_control(key="vendor_period").value
    return vendor_report.build_report(data.mart, period, newest_at=data.as_of(
        data.freshness()))


def table(at: AppTest, key_column: str):
    return next(d.value for d in at.dataframe if key_column in d.value.columns)


def test_vendors_page_scorecard_attention_and_drilldown_in_url(app_db):
    at = open_vendors({"vendor": "Cobalt Ops", "period": "month"})
    assert at.selectbox(key="vendor_pick").value == "Cobalt Ops"
    card = table(at, "Cobalt Ops").set_index("kpi")
    assert card.loc["Handle time vs case mix", "Borealis Review"].endswith(" pp)")  # value (change)
    status = vendor_views.scorecard_table(vendor_report_of(at).scorecard)[1].set_index("kpi")
    assert status.loc["Handle time vs case mix", "Borealis Review"] == "red"
    assert status.loc["Handle time vs case mix", "Cobalt Ops"] == "green"
    attention = table(at, "mix_explains")
    assert "Borealis Review" in attention["vendor"].tolist()
    verdicts = [e.value for e in at.warning] + [i.value for i in at.info]
    assert any(v.startswith("**Borealis Review** red: misses") for v in verdicts)
    assert any(v.startswith("**Cobalt Ops** looks off target only because of") for v in verdicts)
    assert "amber band" in "\n".join(c.value for c in at.caption)
    at.selectbox(key="vendor_pick").set_value("Borealis Review").run()
    assert at.query_params["vendor"] in ("Borealis Review", ["Borealis Review"])
    asked = []   # warm: a rerun takes every mart from the cache, none reaches DuckDB
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db, "query_df", lambda con, name, **params: asked.append(name))
        at.run()
    assert asked == [] and not at.exception
    assert len(at.get("plotly_chart")) == 1


def test_vendors_page_opens_on_the_worst_miss_and_ignores_an_unknown_vendor_in_the_url(app_db):
    at = open_vendors({"vendor": "No Such Vendor", "vendor_kpi": "nonsense"})
    focus = drilldown.focus(vendor_report_of(at))
    assert focus[0] == "Borealis Review"        # the demo's degrading vendor tops the list
    assert at.selectbox(key="vendor_pick").value == focus[0]
    assert at.selectbox(key="vendor_kpi").value == focus[1]
