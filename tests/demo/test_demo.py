"""The demo generator: seeded, covering what the issue names, consistent timestamps, planted
incidents visible where ground truth says, and the vendor story (degradation, case mix)."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from analytics import calendars, contract
from analytics.demo import load as demo

END = dt.datetime(2026, 6, 15, 10)
N_CASES = 40_000
KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate(N_CASES, seed=7, end=END)


@pytest.fixture(scope="module")
def daily(data) -> pd.DataFrame:
    """Cases with their market-local creation day."""
    cases = data.cases
    return cases.assign(local_date=calendars.local_dates(cases["created_at"], cases["market"]))


def segment_mask(cases: pd.DataFrame, segment: dict) -> pd.Series:
    mask = pd.Series(True, index=cases.index)
    for column, value in segment.items():
        mask &= cases[column].eq(value)
    return mask


def test_same_seed_same_data_other_seed_other_data(data):
    again = demo.generate(N_CASES, seed=7, end=END)
    pd.testing.assert_frame_equal(data.cases, again.cases)
    pd.testing.assert_frame_equal(data.reviews, again.reviews)
    assert data.ground_truth == again.ground_truth
    other = demo.generate(N_CASES, seed=8, end=END)
    assert not other.cases["summary"].equals(data.cases["summary"])


def test_coverage_the_issue_names(data):
    cases = data.cases
    assert cases["market"].nunique() >= 25 and "KZ" in set(cases["market"])
    assert cases["abuse_category"].nunique() >= 15
    assert set(cases["source"]) == set(contract.SOURCES)
    assert cases["vendor"].nunique() >= 4
    assert cases["created_at"].max() - cases["created_at"].min() >= pd.Timedelta(days=365)
    assert cases["created_at"].max() < pd.Timestamp(END)
    assert 0.9 * N_CASES < len(cases) < 1.1 * N_CASES


def test_summaries_in_english_russian_and_kazakh(data):
    cases = data.cases
    kz = cases[cases["market"].eq("KZ")]
    assert set(kz["language"]) >= {"kk", "ru"}
    kazakh = "".join(kz.loc[kz["language"].eq("kk"), "summary"])
    assert KAZAKH_LETTERS <= set(kazakh)
    russian = kz.loc[kz["language"].eq("ru"), "summary"]
    assert russian.str.contains("[а-яё]", regex=True).all()
    assert not russian.str.contains("[әғқңөұүі]", regex=True).mean() > 0.05   # only planted hashtags
    english = cases.loc[cases["language"].eq("en"), "summary"]
    assert english.str.fullmatch(r"[\x20-\x7e]+").all()


def test_every_contract_column_with_sane_types(data):
    for frame, kind in ((data.cases, "cases"), (data.reviews, "reviews")):
        assert list(frame.columns) == contract.column_names(kind)
        for column in contract.TABLES[kind]:
            dtype = frame[column.name].dtype
            if column.type == "timestamp":
                assert dtype == "datetime64[us]", column.name
            elif column.type == "bool":
                assert dtype == "boolean", column.name
            elif column.type in ("int", "float"):
                assert pd.api.types.is_numeric_dtype(dtype), column.name
            else:
                assert pd.api.types.is_string_dtype(dtype), column.name
            if column.allowed:
                assert set(frame[column.name].dropna()) <= set(column.allowed), column.name
        assert frame[contract.KEYS[kind]].is_unique


def test_case_timestamps_and_status_are_consistent(data):
    cases = data.cases
    resolved = cases["resolved_at"].notna()
    assert (cases.loc[resolved, "resolved_at"] > cases.loc[resolved, "created_at"]).all()
    responded = cases["first_response_at"].notna()
    assert (cases.loc[responded, "first_response_at"] >= cases.loc[responded, "created_at"]).all()
    assert (cases.loc[resolved, "first_response_at"] <= cases.loc[resolved, "resolved_at"]).all()
    assert (cases["updated_at"] >= cases["created_at"]).all()
    assert cases["updated_at"].max() <= pd.Timestamp(END)
    assert set(cases.loc[resolved, "status"]) == {"resolved", "closed"}
    assert set(cases.loc[~resolved, "status"]) == {"open", "pending"}
    open_created = cases.loc[~resolved, "created_at"]
    assert open_created.median() > pd.Timestamp(END) - pd.Timedelta(days=7)   # backlog is recent
    assert 0.05 < cases["sla_due_at"].isna().mean() < 0.3
    assert cases["first_response_due_at"].notna().mean() > 0.7
    assert cases["is_sla_met"].isna().all()
    appealed = cases["is_appealed"].to_numpy(dtype=bool)
    assert cases.loc[appealed, "appeal_outcome"].notna().all()
    assert cases.loc[~appealed, "appeal_outcome"].isna().all()
    assert 0.02 < appealed.mean() < 0.1 and cases["reopen_count"].max() >= 1


def test_reviews_belong_to_cases_and_follow_the_rules(data):
    reviews, cases = data.reviews, data.cases
    assert set(reviews["case_id"]) <= set(cases["case_id"])
    assert 1.0 < len(reviews) / cases["resolved_at"].notna().sum() < 1.2   # plus re-reviews
    assert (reviews["claimed_at"] < reviews["decided_at"]).all()
    assert reviews["reviewer_id"].str.fullmatch(r"R-[0-9a-f]{4}").all()
    sampled = reviews["is_qa_sampled"].to_numpy(dtype=bool)
    assert 0.05 <= sampled.mean() <= 0.1
    assert reviews.loc[sampled, "is_qa_correct"].notna().all()
    assert reviews.loc[~sampled, ["is_qa_correct", "qa_score"]].isna().all().all()
    assert reviews["qa_score"].dropna().between(0, 100).all()


def test_weekends_and_holidays_are_quieter(daily):
    weekend_markets = ~daily["market"].isin(["SA", "EG"])
    per_weekday = daily[weekend_markets].groupby(daily["local_date"].dt.day_of_week).size()
    assert per_weekday[[5, 6]].mean() < 0.85 * per_weekday[[0, 1, 2, 3, 4]].mean()
    holidays = calendars.holiday_table().assign(holiday_date=lambda h: pd.to_datetime(h["holiday_date"]))
    per_day = daily.groupby(["market", "local_date"]).size().rename("cases").reset_index()
    per_day = per_day.merge(holidays, how="left", left_on=["market", "local_date"],
                            right_on=["market", "holiday_date"])
    working = per_day[per_day["local_date"].dt.day_of_week < 5]
    by_holiday = working.groupby(working["holiday_date"].notna())["cases"].mean()
    assert by_holiday[True] < 0.8 * by_holiday[False]


def test_planted_one_day_spike_stands_out(data, daily):
    spike = next(g for g in data.ground_truth
                 if g["kind"] == "one_day_spike" and g["segment"] == {"market": "KZ", "abuse_category": "scam"})
    counts = daily[segment_mask(daily, spike["segment"])].groupby("local_date").size().asfreq("D", fill_value=0)
    day = pd.Timestamp(spike["start"])
    around = counts[day - pd.Timedelta(days=21):day + pd.Timedelta(days=21)].drop(day)
    assert counts[day] >= 3 * max(around.median(), 1)
    assert counts[day] > around.max()


def test_emerging_trend_and_terms_rise(data, daily):
    trend = next(g for g in data.ground_truth if g["kind"] == "emerging_trend")
    counts = daily[segment_mask(daily, trend["segment"])].groupby("local_date").size()
    start, last = pd.Timestamp(trend["start"]), pd.Timestamp(trend["end"])
    before = counts[start - pd.Timedelta(days=60):start].sum()
    assert counts[last - pd.Timedelta(days=60):last].sum() > 1.8 * before
    kz = data.cases[data.cases["market"].eq("KZ")]
    for term in (g for g in data.ground_truth if g["kind"] == "emerging_term"):
        carries = kz["summary"].str.contains(term["term"], regex=False)
        first_seen = kz.loc[carries, "created_at"].min()
        assert first_seen >= pd.Timestamp(term["start"]), term["term"]
        recent = kz["created_at"] > pd.Timestamp(END) - pd.Timedelta(days=14)
        assert carries[recent].sum() > carries[~recent].sum() / 3, term["term"]


def test_ground_truth_entries_are_well_formed(data):
    kinds = {"one_day_spike", "multi_day_surge", "emerging_trend", "emerging_term"}
    assert {g["kind"] for g in data.ground_truth} == kinds
    span = (data.cases["created_at"].min().date(), pd.Timestamp(END).date())
    for entry in data.ground_truth:
        assert {"kind", "segment", "start", "end", "magnitude", "description"} <= set(entry)
        start, end = dt.date.fromisoformat(entry["start"]), dt.date.fromisoformat(entry["end"])
        assert span[0] <= start <= end <= span[1]
        assert entry["segment"]["market"] in calendars.MARKETS and entry["magnitude"] > 0
        if entry["kind"] == "one_day_spike":
            assert start == end
    json.dumps(data.ground_truth + data.vendor_truth)


def test_degrading_vendor_slows_down_and_case_mix_vendor_gets_hard_cases(data):
    reviews = data.reviews
    degrading = next(g["segment"]["vendor"] for g in data.vendor_truth if g["kind"] == "vendor_degradation")
    mine = reviews[reviews["vendor"].eq(degrading)]
    handle = (mine["decided_at"] - mine["claimed_at"]).dt.total_seconds()
    quarter = mine["decided_at"].dt.to_period("Q")
    assert handle[quarter == quarter.max()].median() > 1.3 * handle[quarter == quarter.min()].median()
    cases = data.cases
    hard = (cases["priority"].eq("P0") | cases["source"].isin(["regulator", "legal"])
            | cases["abuse_category"].eq("child_safety"))
    hard_share = hard.groupby(cases["vendor"]).mean()
    mixed = next(g["segment"]["vendor"] for g in data.vendor_truth if g["kind"] == "case_mix")
    assert hard_share.idxmax() == mixed
    resolution = (cases["resolved_at"] - cases["created_at"]).groupby(cases["vendor"]).median()
    assert resolution[mixed] > resolution.min()


def test_generation_rejects_tiny_sizes():
    with pytest.raises(ValueError, match="n_cases"):
        demo.generate(10)


def test_load_demo_goes_through_ingest(tmp_path):
    pytest.importorskip("analytics.ingest")
    import duckdb

    db_path = tmp_path / "demo.duckdb"
    seen = []
    result = demo.load_demo(db_path, n_cases=5_000, end=END, progress=lambda f, m: seen.append(f))
    assert result["rows_rejected"] == 0 and seen[-1] == 1.0
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select count(*) from cases").fetchone()[0] == result["cases"]
        assert con.execute("select count(*) from reviews").fetchone()[0] == result["reviews"]
    truth = json.loads(result["ground_truth"].read_text(encoding="utf-8"))
    assert result["ground_truth"] == tmp_path / "demo.ground_truth.json" and truth
