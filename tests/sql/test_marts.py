"""Golden tests for sql/marts/: a hand-built case log whose right answers are worked out by hand.

tests/fixtures/marts/cases.csv says in its `note` column what each case is there to test.
The period is 2025-01-06..2025-01-09 (market-local) and the as-of time 2025-01-09 12:00 UTC.
Medians and p90 are DuckDB's quantile_cont: linear interpolation at (n - 1) * q.
A smoke test runs every mart file on a generated log and checks its columns against docs/marts.md.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from analytics import db, kpis, settings
from marts_fixture import (ALL, DEFAULT_PARAMS, generated_log, load_log,
                           mart, rows)

FIXTURES = settings.ROOT / "tests" / "fixtures" / "marts"

PERIOD = dict(start_date=dt.date(2025, 1, 6), end_date=dt.date(2025, 1, 9),
              markets=None, categories=None, sources=None)
AS_OF = dt.datetime(2025, 1, 9, 12, 0)

# filled by ingest errors, never by loading data (people's and jobs' records: tests/test_state.py)
NEVER_FILLED_BY_DATA = {"rejected_rows"}
MART_FILES = sorted(p.stem for p in (db.SQL_DIR / "marts").glob("*.sql"))


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    path = tmp_path_factory.mktemp("golden") / "golden.duckdb"
    load_log(path, pd.read_csv(FIXTURES / "cases.csv", dtype=str, keep_default_na=False),
             pd.read_csv(FIXTURES / "reviews.csv", dtype=str, keep_default_na=False))
    with db.reader(path) as con:
        yield con


def expected(name: str) -> list[dict]:
    return rows(pd.read_csv(FIXTURES / f"{name}.csv", dtype=str, keep_default_na=False))


def test_daily_volume_buckets_by_market_local_created_date(golden):
    assert rows(mart(golden, "daily_volume", **ALL)) == expected("daily_volume")


def test_a_case_at_2000_utc_is_the_next_day_in_kazakhstan(golden):
    kz_jan_6 = mart(golden, "daily_volume", **ALL | dict(
        start_date=dt.date(2025, 1, 6), end_date=dt.date(2025, 1, 6), markets=["KZ"]))
    assert kz_jan_6["cases"].sum() == 1  # c01 only; c02 (2025-01-06 20:00 UTC) is on the 7th


def test_the_incomplete_day_is_per_market(tmp_path):
    # 20:00 UTC on the 9th is already the 10th in KZ, still the 9th in GB: both days are arriving
    cases = pd.DataFrame({"case_id": ["k", "g", "g0"], "market": ["KZ", "GB", "GB"],
                          "created_at": ["2025-01-09 20:00", "2025-01-09 10:00", "2025-01-08 10:00"],
                          "status": "open", "source": "user_report", "priority": "P1"})
    load_log(tmp_path / "clock.duckdb", cases, pd.DataFrame({"review_id": [], "decided_at": []}))
    with db.reader(tmp_path / "clock.duckdb") as con:
        got = mart(con, "daily_volume", **ALL)
        complete = dict(zip(zip(got["market"], got["created_date"].astype(str)), got["is_complete_day"]))
        assert complete == {("GB", "2025-01-08"): True, ("GB", "2025-01-09"): False,
                            ("KZ", "2025-01-10"): False}
        assert mart(con, "data_freshness")["last_complete_date"].tolist() == [dt.date(2025, 1, 8)]

def test_kpi_summary_golden(golden):
    got = rows(mart(golden, "kpi_summary", **PERIOD, as_of=AS_OF))
    assert got == [dict(
        cases=12, resolved_cases=8, sla_met=5, sla_breached=3, sla_attainment_pct=62.5,
        first_response_median_s=3600.0, first_response_p90_s=8280.0,  # 7200 + 0.3 * 3600
        resolution_median_s=43200.0, resolution_p90_s=173520.0,        # 172800 + 0.4 * 1800
        appealed_cases=3, overturned_cases=1, decided_appeals=2, appeal_rate_pct=37.5,
        overturn_rate_pct=50.0, open_backlog=5, open_breached=2, as_of_at="2025-01-09 12:00")]


def test_kpi_summary_of_an_empty_period_is_one_row_of_zeros_and_nulls(golden):
    got = rows(mart(golden, "kpi_summary", **PERIOD | dict(start_date=dt.date(2030, 1, 1),
                                                           end_date=None), as_of=AS_OF))
    assert len(got) == 1
    assert got[0]["cases"] == got[0]["resolved_cases"] == got[0]["sla_met"] == 0
    assert got[0]["sla_attainment_pct"] is None and got[0]["resolution_median_s"] is None


def test_sla_verdict_precedence_flag_then_due_time_then_policy(golden):
    got = mart(golden, "cases_drilldown", **ALL, search=None, vendors=None, limit=None)
    verdict = {r.case_id: (r.sla_basis, r.is_sla_met_effective) for r in got.itertuples()}
    assert verdict["c03"] == ("export flag", True)        # late by the regulator policy
    assert verdict["c05"] == ("export flag", False)       # early by its exported due time
    assert verdict["c04"] == ("export due time", False)   # in time by the P2 policy
    assert verdict["c06"] == ("policy", True)
    due = dict(zip(got["case_id"], got["sla_due_effective_at"]))
    assert due["c12"] == pd.Timestamp("2025-01-11 10:00")  # legal 48 h beats '*' P1 24 h


def test_kpi_by_segment_splits_and_the_all_row_matches_the_summary(golden):
    got = mart(golden, "kpi_by_segment", **PERIOD).set_index(["dimension", "segment"])
    assert got.loc[("market", "KZ"), ["cases", "resolved_cases", "sla_met"]].tolist() == [8, 4, 3]
    assert got.loc[("market", "GB"), "sla_attainment_pct"] == 50.0
    assert got.loc[("vendor", "(unknown)"), "resolved_cases"] == 1   # c06 has no vendor
    summary = mart(golden, "kpi_summary", **PERIOD, as_of=AS_OF).iloc[0]
    shared = [c for c in got.columns if c in summary.index]
    assert rows(got.loc[[("all", "all")], shared]) == rows(summary[shared].to_frame().T)
    for dimension in ("market", "source", "vendor", "language", "priority"):
        assert got.loc[dimension, "cases"].sum() == summary["cases"]


def test_kpi_by_segment_week_puts_each_activity_in_its_own_week(golden):
    got = mart(golden, "kpi_by_segment_week", **ALL)
    weekly = got[got["dimension"] == "all"].set_index("week_start")
    assert weekly["cases"].to_dict() == {dt.date(2024, 12, 30): 3, dt.date(2025, 1, 6): 12}
    assert weekly["resolved_cases"].to_dict() == {dt.date(2024, 12, 30): 1, dt.date(2025, 1, 6): 9}
    assert weekly["is_complete_week"].to_dict() == {dt.date(2024, 12, 30): True,
                                                    dt.date(2025, 1, 6): False}


def test_backlog_daily_running_sum_includes_days_before_the_range(golden):
    assert rows(mart(golden, "backlog_daily", **ALL)) == expected("backlog_daily")
    kz = mart(golden, "backlog_daily", **PERIOD | dict(markets=["KZ"]))
    assert kz["open_backlog"].tolist() == [1, 3, 4, 5]


def test_response_times_by_segment(golden):
    got = mart(golden, "kpi_by_segment", **PERIOD).set_index(["dimension", "segment"])
    kz = got.loc[("market", "KZ")]
    assert (kz["first_response_median_s"], kz["first_response_p90_s"]) == (5400.0, 9000.0)


def test_appeal_and_overturn_rates(golden):
    got = mart(golden, "kpi_by_segment", **PERIOD).set_index(["dimension", "segment"])
    assert got.loc[("market", "KZ"), ["appeal_rate_pct", "overturn_rate_pct"]].tolist() == [25, 100]
    assert got.loc[("market", "GB"), ["appeal_rate_pct", "overturn_rate_pct"]].tolist() == [50, 0]


def test_cases_drilldown_search_and_limit(golden):
    params = ALL | dict(vendors=None, limit=None)
    assert mart(golden, "cases_drilldown", **params | dict(search="PHISH"))["case_id"].tolist() \
        == ["c15", "c02"]
    assert mart(golden, "cases_drilldown", **params | dict(search="%"))["case_id"].tolist() == []
    latest = mart(golden, "cases_drilldown", **params | dict(search=None, limit=3))
    assert latest["case_id"].tolist() == ["c13", "c12", "c09"]


def test_data_freshness_and_ingest_tables(golden):
    got = rows(mart(golden, "data_freshness"))
    assert got == [dict(
        newest_created_at="2025-01-09 13:00", newest_updated_at="2025-01-10 02:00",
        newest_decided_at="2025-01-08 00:10", last_ingest_at="2025-01-10 03:00",
        last_ingest_status="failed", case_count=15, review_count=8,
        last_complete_date="2025-01-08", newest_created_date="2025-01-09")]
    assert mart(golden, "ingest_history")["ingest_id"].tolist() == [2, 1]
    assert len(mart(golden, "rejected_rows", ingest_id=2, limit=None)) == 2
    assert len(mart(golden, "rejected_rows", ingest_id=None, limit=2)) == 2


# --- every mart on a generated log, against docs/marts.md -------------------------------------

def documented_marts() -> dict[str, tuple[list[str], list[str]]]:
    """{mart: (parameters, columns)} from the lines of docs/marts.md."""
    line = re.compile(r"^- `(\w+)`.*parameters: ([^;]*); columns: (.*)$")
    found = {}
    for text in (settings.ROOT / "docs" / "marts.md").read_text(encoding="utf-8").splitlines():
        if m := line.match(text):
            params = [p.strip().lstrip("$") for p in m[2].split(",") if p.strip() != "none"]
            found[m[1]] = (params, [c.strip() for c in m[3].split(",")])
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "generated.duckdb"
    load_log(path, *generated_log(np.random.default_rng(7), n_cases=600, n_reviews=600))
    with db.reader(path) as con:
        yield con


@pytest.mark.parametrize("name", MART_FILES)
def test_every_mart_runs_and_returns_its_documented_columns(generated, name):
    params, columns = documented_marts()[name]
    assert sorted(params) == sorted(db.sql_parameters(f"marts/{name}"))
    got = mart(generated, name, **DEFAULT_PARAMS[name])
    assert list(got.columns) == columns
    assert len(got) > 0 or name in NEVER_FILLED_BY_DATA


@pytest.mark.parametrize("name", sorted(kpis.KPIS))
def test_every_kpi_source_column_exists_in_its_mart(generated, name):
    kpi = kpis.KPIS[name]
    mart_name = kpi.mart.removeprefix("marts/")
    got = mart(generated, mart_name, **DEFAULT_PARAMS[mart_name])
    assert kpi.column in got.columns


@pytest.mark.parametrize("name", MART_FILES)
def test_every_mart_runs_on_the_demo_data(demo_db, name):
    with db.reader(demo_db) as con:
        got = mart(con, name, **DEFAULT_PARAMS[name])
    assert list(got.columns) == documented_marts()[name][1]
    assert len(got) > 0 or name in NEVER_FILLED_BY_DATA


@pytest.mark.parametrize("split", ["region", "abuse_category", "source", "market", "language"])
def test_daily_volume_split_adds_up_to_daily_volume(generated, split):
    params = dict(ALL, start_date=dt.date(2025, 1, 5), markets=["KZ", "RU", "GB"])
    whole = db.query_df(generated, "marts/daily_volume", **params)
    split_rows = db.query_df(generated, "marts/daily_volume_split", **params, split=split)
    expected = (whole.assign(split_value=whole[split])
                .groupby(["created_date", "split_value"], dropna=False)["cases"].sum())
    got = split_rows.set_index(["created_date", "split_value"])["cases"]
    assert len(got) > 10
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()


def test_filter_values_cover_every_created_case(generated):
    values = db.query_df(generated, "marts/filter_values")
    total = generated.execute("select count(*) from cases").fetchall()[0][0]
    assert values["cases"].sum() == total
    assert values["first_created_date"].min() == generated.execute(
        "select min(created_date) from cases").fetchall()[0][0]


def test_backlog_daily_reads_the_same_counts_from_kpi_daily_and_the_cube(golden):
    # without a category or source filter the mart reads kpi_daily's market rows; naming every
    # category and source (the golden log has no case without either) sends it to the cube
    categories, sources = (
        [v for (v,) in golden.execute(f"select distinct {c} from cases where {c} is not null").fetchall()]
        for c in ("abuse_category", "source"))
    assert golden.execute("select count(*) from cases where abuse_category is null "
                          "or source is null").fetchall()[0][0] == 0
    for markets in (None, ["KZ"], ["KZ", "UZ"]):
        params = ALL | dict(markets=markets)
        kept = mart(golden, "backlog_daily", **params)
        cube = mart(golden, "backlog_daily", **params | dict(categories=categories, sources=sources))
        assert len(kept) > 0
        pd.testing.assert_frame_equal(kept, cube)


@pytest.mark.parametrize("filters", [{}, dict(markets=["KZ"]), dict(categories=["scam"], limit=3),
                                     dict(start_date=dt.date(2025, 1, 7), end_date=dt.date(2025, 1, 8))])
def test_cases_drilldown_reads_the_same_rows_with_and_without_a_search(golden, filters):
    # no search cuts on the fact table's created rows; a search cuts on the raw table. An empty
    # search matches every case, so both must give the same rows
    params = dict(start_date=None, end_date=None, markets=None, categories=None, sources=None,
                  vendors=None, limit=None) | filters
    by_facts = mart(golden, "cases_drilldown", **params, search=None)
    by_search = mart(golden, "cases_drilldown", **params, search="")
    assert len(by_facts) > 0
    pd.testing.assert_frame_equal(by_facts, by_search)
