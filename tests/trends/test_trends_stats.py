"""Trend statistics on series with known answers: the window fit, weekly-cycle-free noise, and
the per-day cap that keeps a one-day spike from carrying a test."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.trends import stats as trends_stats
from analytics.trends.segments import detect_segment_trends

AS_OF = pd.Timestamp("2026-03-30")


def test_window_fit_matches_the_rolling_fit_on_its_first_day():
    counts = np.random.default_rng(0).poisson(10, (4, 90)).astype(float)
    weekdays = np.arange(90) % 7
    window, variance = trends_stats.window_expected(counts, weekdays, window_days=7)
    rolling, rolling_variance = trends_stats.regression_expected(counts, weekdays)
    assert window.shape == variance.shape == (4, 7)
    assert np.allclose(window[:, 0], rolling[:, -7])
    assert np.allclose(variance[:, 0], rolling_variance[:, -7])


def test_window_fit_does_not_climb_a_ramp():
    days = np.arange(100)
    counts = np.where(days < 91, 20.0, 20.0 + 3 * (days - 90))[None, :]  # ramp over the last 9 days
    window, _ = trends_stats.window_expected(counts, days % 7, window_days=7)
    rolling, _ = trends_stats.regression_expected(counts, days % 7)
    assert np.allclose(window, 20.0)              # the fit ends before the ramp: flat
    assert rolling[0, -1] > window[0, -1] + 3     # a rolling fit has climbed with it


def test_residual_variance_ignores_the_weekly_cycle_and_a_drift():
    days = np.arange(84)
    block = (30 + 8 * (days % 7 == 5) - 6 * (days % 7 == 6) + 0.2 * days)[None, :]
    assert trends_stats.residual_variance(block, start_weekday=0)[0] < 1e-9
    assert block.var() > 10


def _steady_cases(tail: list[int], base: int = 5) -> pd.DataFrame:
    """One market with exactly `base` cases a day for 130 days, the last days set by `tail`,
    beside a flat one (a market holding every case is the whole volume, never listed)."""
    days = pd.date_range(end=AS_OF, periods=130)
    counts = [base] * (len(days) - len(tail)) + tail
    return pd.DataFrame({"created_date": np.concatenate([np.repeat(days, counts),
                                                         np.repeat(days, base)]),
                         "market": ["KZ"] * sum(counts) + ["UZ"] * (base * len(days)),
                         "abuse_category": "scam", "source": "user_report"})


def _market_row(found: pd.DataFrame) -> pd.Series:
    return found[found["dimension"] == "market"].iloc[0]


def test_a_one_day_spike_adds_at_most_three_deviations():
    row = _market_row(detect_segment_trends(_steady_cases([5, 5, 5, 5, 30, 5, 5]), AS_OF))
    assert not row["is_anomaly"] and row["p_value"] > 0.05


def test_a_sustained_rise_of_the_same_size_is_a_trend():
    row = _market_row(detect_segment_trends(_steady_cases([5, 5, 10, 11, 10, 12, 11]), AS_OF))
    assert row["is_anomaly"] and row["pattern"] == "rise"


def test_no_case_in_the_window_gives_no_segment_trend():
    import pandas as pd

    from analytics.trends.segments import detect_segment_trends
    cases = pd.DataFrame({"case_id": ["a"], "created_date": [pd.Timestamp("2020-01-01").date()],
                          "market": ["KZ"], "abuse_category": ["scam"], "source": ["user_report"],
                          "language": ["kk"], "summary": ["x"]})
    out = detect_segment_trends(cases, "2026-03-01")
    assert out.empty and "is_anomaly" in out.columns


def test_a_weighted_sum_of_counts_is_read_as_one_count():
    from scipy import stats
    # equal weights: the sum of Poisson days is Poisson, exactly
    p = trends_stats.weighted_count_pvalue([60.0], [40.0], [40.0], np.ones(8))
    assert np.isclose(p[0], stats.poisson.sf(59, 40.0))
    # weights 1..14 on Poisson(5) days: close to the simulated tail (a normal tail is too thin)
    w = np.arange(1, 15.0)
    sums = np.random.default_rng(1).poisson(5.0, (200_000, 14)) @ w
    cut = 5 * w.sum() + 3.5 * np.sqrt(5 * (w ** 2).sum())
    simulated = (sums >= cut).mean()
    p = trends_stats.weighted_count_pvalue([cut], [5 * w.sum()], [5 * (w ** 2).sum()], w)[0]
    assert 0.5 * simulated < p < 2 * simulated and p > stats.norm.sf(3.5) * 1.5


def test_the_best_of_correlated_tests_is_priced_by_their_correlation():
    """`max_pvalue`: the slow-rise scan's rows (level-weighted, ramps begun 28/21/14 days ago)
    on noise: P(best row's z ≥ c) is what the bound says (within 15 %, never below), between
    one test's p and Bonferroni's."""
    from scipy import stats
    n = 28
    i = np.arange(1, n + 1.0)
    rows = np.vstack([1 + 2 * i / n] + [np.clip(i - (n - k), 0, None) for k in (28, 21, 14)])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    z = np.random.default_rng(2).standard_normal((400_000, n)) @ rows.T
    c = 3.0
    simulated = (z.max(1) >= c).mean()
    rho = np.array([rows[k] @ rows[k + 1] for k in range(3)])[:, None]
    bound = trends_stats.max_pvalue(np.full((4, 1), stats.norm.sf(c)), rho)[0]
    assert simulated <= bound <= 1.15 * simulated
    assert stats.norm.sf(c) < bound < 4 * stats.norm.sf(c)
