"""Every detector through one contract (#18 point 5), on seeded inputs with a planted anomaly:

- the result carries `expected`, `p_value`, `score` in [0, 1] and a boolean `is_anomaly`;
- spike detectors score rows: the result is aligned with the input (same index, same order,
  input columns unchanged), whatever the index; trend detectors test series (one row per
  market/category/source series) or terms (one row per term tested), in a documented order;
- the planted anomaly is flagged, and the input frame is not modified;
- knobs are keyword-only; an unknown or out-of-range knob is a ValueError naming it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.spikes.detect import detect_spikes, find_spikes
from analytics.spikes.kpi_series import detect_kpi_spikes
from analytics.text.incidence import build_incidence
from analytics.trends.segments import daily_matrix, detect_segment_trends, history_days
from analytics.trends.settings import DEFAULTS
from analytics.trends.terms import term_statistics

CONTRACT = ("expected", "p_value", "score", "is_anomaly")
DAYS = pd.date_range("2026-01-05", periods=120, freq="D")
AS_OF = pd.Timestamp("2026-03-30")


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Rows in a random order under a non-default index (gaps, descending labels)."""
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].set_axis(1000 + 3 * np.arange(len(frame))[::-1])


def day_counts(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame([{"bucket": d, "market": m, "cases": int(rng.poisson(40))}
                          for m in ("KZ", "UZ") for d in DAYS])
    frame.loc[(frame["market"] == "UZ") & (frame["bucket"] == DAYS[90]), "cases"] = 160
    return _shuffled(frame, seed)


def hour_counts(seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2026-01-05", periods=24 * 28, freq="h")
    frame = pd.DataFrame({"bucket": hours, "market": "KZ", "abuse_category": None, "source": None,
                          "cases": rng.poisson(30, len(hours))})
    frame.loc[len(hours) - 20, "cases"] = 150
    return _shuffled(frame, seed)


def kpi_rows(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for market in ("KZ", "UZ"):
        n = rng.poisson(200, len(DAYS))
        k = rng.binomial(n, 0.05)
        k[90] = int(0.25 * n[90]) if market == "UZ" else k[90]
        rows += [{"metric": "sla_breach_rate", "bucket": d, "market": market,
                  "abuse_category": None, "source": None, "cases": c, "breaches": b,
                  "value": b / c} for d, c, b in zip(DAYS, n, k)]
        medians = 3600 * np.exp(rng.normal(0, 0.1, len(DAYS)))
        rows += [{"metric": "first_response_median_s", "bucket": d, "market": market,
                  "abuse_category": None, "source": None, "cases": 80, "breaches": None,
                  "value": v} for d, v in zip(DAYS, medians)]
    return _shuffled(pd.DataFrame(rows), seed)


def trend_cases(seed: int = 4) -> pd.DataFrame:
    """Two markets at ~40 cases a day for 130 days; KZ's last week doubles, and its new cases
    carry a new wording."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(end=AS_OF, periods=130)
    rows = []
    for market in ("KZ", "UZ"):
        for i, day in enumerate(days):
            n = rng.poisson(40)
            rising = market == "KZ" and i >= len(days) - 7
            extra = rng.poisson(40) if rising else 0
            rows += [(day, market, "account hacked please help") for _ in range(n)]
            rows += [(day, market, "fake lottery prize telegram channel") for _ in range(extra)]
    cases = pd.DataFrame(rows, columns=["created_date", "market", "summary"])
    return cases.assign(case_id=[f"C{i}" for i in range(len(cases))], abuse_category="scam",
                        source="user_report", language="en",
                        created_at=cases["created_date"] + pd.Timedelta(hours=12))


def _check_contract(out: pd.DataFrame) -> None:
    missing = [c for c in CONTRACT if c not in out.columns]
    assert not missing, f"result lacks {missing}"
    assert out["is_anomaly"].dtype == bool
    assert out["score"].between(0, 1).all(), out["score"].describe()
    p = out["p_value"].dropna()
    assert p.between(0, 1).all()


def _check_aligned(frame: pd.DataFrame, out: pd.DataFrame) -> None:
    assert out.index.equals(frame.index)
    for column in frame.columns.drop("bucket"):
        pd.testing.assert_series_equal(out[column], frame[column])


ROW_DETECTORS = {
    "detect_spikes (day)": (day_counts, lambda f, **k: detect_spikes(f, keys=("market",), **k),
                            lambda out: set(out.loc[out["is_anomaly"], "market"]) == {"UZ"}),
    "find_spikes (hour)": (hour_counts, lambda f, **k: find_spikes(f, grain="hour", **k)[0],
                           lambda out: out.loc[out["is_anomaly"], "cases"].tolist() == [150]),
    "detect_kpi_spikes": (kpi_rows, detect_kpi_spikes,
                          lambda out: set(out.loc[out["is_anomaly"], "market"]) == {"UZ"}),
}


@pytest.mark.parametrize("name", ROW_DETECTORS)
def test_row_detectors_return_their_input_aligned_with_the_contract_columns(name):
    make, detect, planted_found = ROW_DETECTORS[name]
    frame = make()
    before = frame.copy()
    out = detect(frame)
    pd.testing.assert_frame_equal(frame, before)   # input unchanged
    _check_contract(out)
    _check_aligned(frame, out)
    assert planted_found(out), out[out["is_anomaly"]]


@pytest.mark.parametrize("name", ROW_DETECTORS)
def test_row_detector_knobs_are_keyword_only_and_checked(name):
    make, detect, _ = ROW_DETECTORS[name]
    frame = make()
    with pytest.raises(ValueError, match="alpah"):
        detect(frame, alpah=0.01)
    with pytest.raises(ValueError, match="alpha"):
        detect(frame, alpha=5.0)
    with pytest.raises(ValueError, match="cooldown"):
        detect(frame, cooldown=-1)


def test_segment_trends_one_row_per_series_in_key_order_with_the_contract_columns():
    cases = trend_cases()
    before = cases.copy()
    out = detect_segment_trends(cases, AS_OF)
    pd.testing.assert_frame_equal(cases, before)
    _check_contract(out)
    keys, _ = daily_matrix(cases, history_days(cases, AS_OF, DEFAULTS))
    pd.testing.assert_frame_equal(out[keys.columns].reset_index(drop=True), keys)
    flagged = out[out["is_anomaly"]]
    assert set(flagged["dimension"] + ":" + flagged["market"].fillna("")) >= {"market:KZ"}
    assert not (flagged["market"] == "UZ").any()


def test_term_statistics_one_row_per_tested_term_with_the_contract_columns():
    cases = trend_cases()
    incidence = build_incidence(cases["summary"], cases["language"])
    out = term_statistics(incidence, cases, AS_OF)
    _check_contract(out)
    assert out["column"].is_monotonic_increasing   # vocabulary order
    assert "telegram" in " ".join(out.loc[out["is_anomaly"], "term_key"])
    assert not out.loc[out["term_key"].str.contains("hacked"), "is_anomaly"].any()


@pytest.mark.parametrize("call", [
    lambda c: detect_segment_trends(c, AS_OF, fdr=5.0),
    lambda c: detect_segment_trends(c, AS_OF, baseline_days=4.5),
    lambda c: detect_segment_trends(c, AS_OF, fdr_rate=0.1),
    lambda c: term_statistics(build_incidence(c["summary"], c["language"]), c, AS_OF, fdr=5.0),
])
def test_trend_knobs_are_checked_with_a_value_error(call):
    with pytest.raises(ValueError, match="fdr|baseline_days"):
        call(trend_cases())


def test_trend_settings_are_keyword_only():
    with pytest.raises(TypeError):
        detect_segment_trends(trend_cases(), AS_OF, DEFAULTS)


def test_ranked_trends_carry_the_bounded_score_and_rank_by_priority():
    from analytics.trends.detect import detect_trends

    ranked = detect_trends(trend_cases(), AS_OF)
    assert len(ranked) and ranked["score"].between(0, 1).all()
    assert ranked["priority"].is_monotonic_decreasing
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
