"""The Vendors page from the real entry point on the demo: scorecard with status, attention
list, drill-down kept in the URL, and a warm rerun within the ~1 s budget."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db, settings
from analytics.vendors import drilldown
from analytics.vendors import tables as vendor_views
from samples import MAPPING, NYC, SERVICENOW

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


def grid_element(at: AppTest):
    """The vendor × KPI grid (a read-only st.dataframe's key is not on its element)."""
    return next(d for d in at.dataframe if {"vendor", "open_cases"} <= set(d.value.columns))


def grid_of(at: AppTest) -> pd.DataFrame:
    return grid_element(at).value


def test_vendors_page_scorecard_attention_and_drilldown_in_url(app_db):
    at = open_vendors({"vendor": "Cobalt Ops", "period": "month"})
    assert at.selectbox(key="vendor_pick").value == "Cobalt Ops"
    grid = grid_of(at).set_index("vendor")   # vendors as rows, KPIs as columns
    assert grid.loc["Borealis Review", "handle_time_vs_expected_pct"].endswith(
        f" · n {vendor_report_of(at).scorecard.set_index(['vendor', 'kpi']).loc[('Borealis Review', 'handle_time_vs_expected_pct'), 'n']:,.0f}")
    status = vendor_views.grid(vendor_report_of(at))[1].set_index("vendor")
    assert status.loc["Borealis Review", "handle_time_vs_expected_pct"] == "red"
    assert status.loc["Cobalt Ops", "handle_time_vs_expected_pct"] == "green"
    attention = table(at, "mix_explains")
    assert "Borealis Review" in attention["vendor"].tolist() and len(attention) <= 5
    assert not at.warning and not at.error   # no box per vendor: the grid says it
    assert any(m.value.startswith("5 active vendors: ") for m in at.markdown)
    assert "amber band" in "\n".join(c.value for c in at.caption)
    at.selectbox(key="vendor_pick").set_value("Borealis Review").run()
    assert at.query_params["vendor"] in ("Borealis Review", ["Borealis Review"])
    asked = []   # warm: a rerun takes every mart from the cache, none reaches DuckDB
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db, "query_df", lambda con, name, **params: asked.append(name))
        at.run()
    assert asked == [] and not at.exception
    assert len(at.get("plotly_chart")) == 1


def test_every_pick_of_the_vendors_page_comes_back_from_its_url(app_db):
    """#16 point 5: vendor, KPI, period and the backlog's as-of day all reopen from a link."""
    import datetime as dt
    at = open_vendors({"vendor": "Delta Moderation", "vendor_kpi": "qa_accuracy_pct",
                       "period": "month", "backlog_as_of": "2026-03-20", "markets": "KZ"})
    assert at.selectbox(key="vendor_pick").value == "Delta Moderation"
    assert at.selectbox(key="vendor_kpi").value == "qa_accuracy_pct"
    assert at.segmented_control(key="vendor_period").value == "month"
    assert at.date_input(key="vendor_as_of").value == dt.date(2026, 3, 20)
    assert at.query_params["backlog_as_of"] in ("2026-03-20", ["2026-03-20"])


def test_vendors_page_opens_on_the_worst_miss_and_ignores_an_unknown_vendor_in_the_url(app_db):
    at = open_vendors({"vendor": "No Such Vendor", "vendor_kpi": "nonsense"})
    focus = drilldown.focus(vendor_report_of(at))
    assert focus[0] == "Borealis Review"        # the demo's degrading vendor tops the list
    assert at.selectbox(key="vendor_pick").value == focus[0]
    assert at.selectbox(key="vendor_kpi").value == focus[1]


@pytest.fixture(scope="module", params=["cut", "full"])
def both_samples(request, tmp_path_factory):
    """The two real exports in one database: the ServiceNow log's ~70 assignment groups last
    worked in 2016-17, the NYC 311 agencies in 2025 (#16 point 8 was seen on this data). Their
    cuts always (tests/fixtures/samples keeps every incident opened since 2016-12 and a seeded
    choice of the rest), the full files too when ../shared is present."""
    from analytics import ingest

    exports = [(SERVICENOW[request.param], MAPPING["servicenow"]),
               (NYC[request.param], MAPPING["nyc311"])]
    if not all(path.exists() for path, _ in exports):
        pytest.skip("../shared/samples not present (the cuts ran)")
    path = tmp_path_factory.mktemp("vendor_samples") / "samples.duckdb"
    for export, mapping in exports:
        ingest.ingest_file(export, mapping=mapping, db_path=path)
    return path


def test_vendors_page_on_real_samples_shows_active_vendors_in_a_grid(both_samples, monkeypatch,
                                                                    request):
    monkeypatch.setenv("ESCALATION_RADAR_DB", str(both_samples))
    at = open_vendors({})
    grid = grid_of(at)
    report = vendor_report_of(at)
    active = report.activity[report.activity["active"]]
    sample = request.node.callspec.params["both_samples"]
    # idle groups: not on the page (the cut keeps 54 of the log's groups, the full file > 70)
    assert len(report.activity) > {"cut": 50, "full": 70}[sample] and len(active) < 10
    assert sorted(grid["vendor"]) == sorted(active["vendor"]) == ["DOHMH", "DPR", "DSNY", "NYPD"]
    assert any(f"{len(report.activity) - len(active)} vendors with no case open, assigned or "
               "decided in the period are left out" in m.value for m in at.markdown)
    assert not at.warning and not at.error and len(grid) == grid["vendor"].nunique()
    cells, status = (f.set_index("vendor") for f in vendor_views.grid(report))
    card = report.scorecard.set_index(["vendor", "kpi"])
    if sample == "full":   # (the cut's two DOHMH cases resolved in the period took 6 days)
        # a 0 s median resolution (311 cases closed as they open) measures nothing: n/a, no status
        assert cells.loc["DOHMH", "vendor_resolution_median_s"] == "n/a"
        assert status.loc["DOHMH", "vendor_resolution_median_s"] == "none"
    # an SLA rate on fewer than 30 cases is greyed, not red
    assert card.loc[("DOHMH", "vendor_sla_attainment_pct"), "n"] < 30
    assert status.loc["DOHMH", "vendor_sla_attainment_pct"] == "few"
    # a red miss is drawn red (white on red), not in the amber box of before
    assert status.loc["DSNY", "vendor_resolution_median_s"] == "red"
    styles = grid_element(at).proto.arrow_data.styler
    assert re.search(r"background-color: #e5554f", styles.styles)
    assert (table(at, "mix_explains")["vendor"] == "DSNY").all()   # the one vendor off target


def _period_row(week, vendor, *, created=0, resolved=0, decisions=0, met=0, resolution=None):
    import datetime as dt
    return {"period_start": week, "period_end": week + dt.timedelta(days=6), "vendor": vendor,
            "queue": None, "is_all_queues": True, "is_complete_period": True,
            "decisions": decisions, "decisions_per_day": decisions / 7,
            "handle_time_median_s": 300.0 if decisions else None,
            "handle_time_p90_s": 600.0 if decisions else None, "qa_sampled": 0, "qa_correct": 0,
            "qa_accuracy_pct": None, "qa_score_mean": None, "reviewers": 1,
            "created_cases": created, "resolved_cases": resolved, "sla_met": met,
            "sla_breached": resolved - met,
            "sla_attainment_pct": 100.0 * met / resolved if resolved else None,
            "first_response_median_s": None, "resolution_median_s": resolution,
            "reopen_rate_pct": 0.0 if resolved else None, "appeals_decided": 0,
            "overturn_rate_pct": None}


def test_report_leaves_idle_vendors_out_and_puts_a_backlog_without_throughput_first():
    import datetime as dt

    from analytics.vendors.report import build_report
    weeks = [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    period_kpis = pd.DataFrame(
        [_period_row(w, "Active", created=40, resolved=40, decisions=40, met=30, resolution=3600.0)
         for w in weeks]
        + [_period_row(weeks[0], "Stuck", created=9, resolved=9, met=9, resolution=60.0)]
        + [_period_row(dt.date(2016, 5, 2), "Gone", created=3, resolved=3, resolution=9e6)])
    backlog = pd.DataFrame({"vendor": ["Stuck", "Active"], "queue": ["q", "q"],
                            "open_cases": [7, 2], "open_breached": [3, 0], "at_risk": [0, 0],
                            "age_bucket": ["7-30d", "0-1d"], "oldest_case_id": ["c1", "c2"],
                            "oldest_created_at": [pd.Timestamp("2026-03-01")] * 2})
    marts = {"vendor_period_kpis": period_kpis, "vendor_backlog_as_of": backlog,
             "vendor_mix_adjusted": pd.DataFrame(columns=[
                 "period_start", "vendor", "reviews_adjusted", "handle_time_vs_expected_pct",
                 "cases_adjusted", "sla_attainment_vs_expected_pct"])}
    report = build_report(lambda name, **params: marts[name], "week")
    assert report.current == weeks[1]
    assert sorted(report.scorecard["vendor"].unique()) == ["Active", "Stuck"]   # not "Gone"
    first = report.attention.iloc[0]
    assert (first["vendor"], first["kpi"], first["status"]) == ("Stuck", "resolved_cases", "red")
    assert "Gone" not in set(report.attention["vendor"])
    words = vendor_views.attention_table(report.attention).iloc[0]
    assert (words["kpi"], words["value"]) == ("Throughput", "none resolved or decided, 7 open")
    cells, status = (f.set_index("vendor") for f in vendor_views.grid(report))
    assert status.loc["Stuck", "resolved_cases"] == "red" and cells.loc["Stuck", "open_cases"] == "7"
    assert status.loc["Active", "vendor_sla_attainment_pct"] == "red"   # 75 % on 40 cases
    assert cells.loc["Active", "vendor_sla_attainment_pct"] == "75.0% · n 40"
