"""The vendor report: status and attention ranking on a hand-made history, the demo's vendor
story (Borealis degrades, Cobalt is slow only because of its mix), the CLI, and the UCI
ServiceNow sample's assignment groups as vendors with their real SLA flag."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics import db, settings
from analytics.vendors import cli as vendors_cli
from analytics.vendors.attention import attention
from analytics.vendors.report import build_report, query_with
from analytics.vendors.targets import Targets, attach_targets

from samples import MAPPING, SERVICENOW, both

TARGETS = Targets(5.0, 4.0, pd.DataFrame({
    "vendor": ["*", "*", "*", "V"], "queue": ["*", "*", "*", "*"],
    "kpi": ["qa_accuracy_pct", "handle_time_median_s", "handle_time_vs_expected_pct",
            "qa_accuracy_pct"],
    "target": [90.0, 480.0, 110.0, 92.0]}))


def history(rows: list[tuple]) -> pd.DataFrame:
    weeks = [dt.date(2026, 3, 2) + dt.timedelta(weeks=i) for i in range(3)]
    return pd.DataFrame([dict(period_start=weeks[w], is_complete_period=True, vendor=v,
                              queue=None, kpi=k, value=x) for w, v, k, x in rows])


def test_targets_precedence():
    got = attach_targets(pd.DataFrame({"vendor": ["V", "W"], "queue": [None, "q"],
                                       "kpi": ["qa_accuracy_pct"] * 2}), TARGETS)
    assert got["target"].tolist() == [92.0, 90.0]


def test_attention_ranks_by_how_far_and_how_long_and_says_when_mix_explains():
    got = attention(history([
        # W QA accuracy 95, 85, 80 vs 90 (band 5 %: amber from 85.5): green, red, red ->
        # 2 weeks off since week 2; shortfall (90 - 80) / 90 = 11.1 %; severity 22.2
        (0, "W", "qa_accuracy_pct", 95.0), (1, "W", "qa_accuracy_pct", 85.0),
        (2, "W", "qa_accuracy_pct", 80.0),
        # W handle time 600 s vs 480 for 3 weeks (25 %, severity 75) but its mix index is 100 %
        # (on target): the mix explains it, so it ranks below the QA miss
        *[(w, "W", "handle_time_median_s", 600.0) for w in range(3)],
        *[(w, "W", "handle_time_vs_expected_pct", 100.0) for w in range(3)],
        # V QA 91 vs its own 92 target: amber, 1.1 % for 1 week (severity 1.1)
        (2, "V", "qa_accuracy_pct", 91.0),
    ]), TARGETS)
    assert got[["vendor", "kpi", "status", "periods_off"]].values.tolist() == [
        ["W", "qa_accuracy_pct", "red", 2], ["V", "qa_accuracy_pct", "amber", 1],
        ["W", "handle_time_median_s", "red", 3]]
    assert got["severity"].round(1).tolist() == [22.2, 1.1, 75.0]
    assert got["off_since"].tolist()[0] == dt.date(2026, 3, 9)
    assert got["mix_explains"].tolist() == [None, None, True]


@pytest.fixture(scope="module")
def demo_report(demo_db):
    with db.reader(demo_db) as con:
        return build_report(query_with(con), "month")


def test_demo_borealis_degrades_and_shows_off_target(demo_report):
    off = demo_report.attention.set_index(["vendor", "kpi"])
    assert ("Borealis Review", "handle_time_vs_expected_pct") in off.index
    assert off.loc[("Borealis Review", "handle_time_vs_expected_pct"), "status"] == "red"
    rows = demo_report.history
    trend = rows[(rows["vendor"] == "Borealis Review") & rows["queue"].isna()
                 & (rows["kpi"] == "handle_time_median_s") & rows["is_complete_period"]]
    assert trend["value"].iloc[-1] > 1.3 * trend["value"].iloc[0]       # slower over the year


def test_demo_cobalt_is_fine_once_its_mix_is_adjusted_for(demo_report):
    card = demo_report.scorecard.set_index(["vendor", "kpi"])
    cobalt, aurora = "Cobalt Ops", "Aurora BPO"
    assert card.loc[(cobalt, "handle_time_median_s"), "value"] > card.loc[
        (aurora, "handle_time_median_s"), "value"]                         # looks slow raw
    assert card.loc[(cobalt, "handle_time_vs_expected_pct"), "status"] == "green"
    assert card.loc[(cobalt, "handle_time_vs_expected_pct"), "value"] < 105
    off = demo_report.attention
    cobalt_misses = off[off["vendor"] == cobalt]
    assert not cobalt_misses[cobalt_misses["kpi"] == "handle_time_vs_expected_pct"].size
    handle = cobalt_misses[cobalt_misses["kpi"].str.startswith("handle_time")]
    assert handle["mix_explains"].eq(True).all()


def test_cli_formats(demo_db, capsys):
    assert vendors_cli.main(["--db", str(demo_db), "--period", "month", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == "month" and {r["vendor"] for r in out["scorecard"]} >= {"Cobalt Ops"}
    assert vendors_cli.main(["--db", str(demo_db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("vendor,kpi,value,previous,change,target,status")
    assert vendors_cli.main(["--db", str(demo_db)]) == 0
    assert "Needs attention:" in capsys.readouterr().out


@pytest.fixture(scope="module", params=both(SERVICENOW))
def servicenow(request, tmp_path_factory):
    from analytics import ingest

    path = tmp_path_factory.mktemp("servicenow") / "sn.duckdb"
    ingest.ingest_file(request.param, mapping=MAPPING["servicenow"], db_path=path)
    return path


def test_servicenow_assignment_groups_are_vendors_with_their_real_sla_flag(servicenow):
    with db.reader(servicenow) as con:
        report = build_report(query_with(con), "month")
        flags = con.sql("""select vendor, count(*) filter (where is_sla_met) as met,
                                  count(*) filter (where not is_sla_met) as breached
                           from stg_cases_activity where activity = 'resolved'
                             and vendor is not null group by vendor""").df().set_index("vendor")
        basis = con.sql("select distinct sla_basis from stg_cases_business_time "
                        "where is_resolved").fetchall()
    assert basis == [("export flag",)]
    assert "Group 70" in set(report.scorecard["vendor"])
    totals = report.history[report.history["queue"].isna()]
    got = db_totals(servicenow)
    assert got.loc["Group 70", "sla_met"] == flags.loc["Group 70", "met"]
    assert got.loc["Group 70", "sla_breached"] == flags.loc["Group 70", "breached"]
    assert len(totals) > 0


def db_totals(path) -> pd.DataFrame:
    with db.reader(path) as con:
        rows = db.query_df(con, "marts/vendor_period_kpis", period="month", markets=None)
    return rows[rows["is_all_queues"]].groupby("vendor")[["sla_met", "sla_breached"]].sum()
