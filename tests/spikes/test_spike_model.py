"""The count model's robustness on short, seasonal, overdispersed series (the ServiceNow shape):
an unlisted holiday must not widen the band for weeks, weekends must be learnt within a few
weeks, and a tripling by 20+ cases on a noisy segment is still flagged two weeks after the
warm-up."""
from __future__ import annotations

import numpy as np
import pytest

from analytics.spikes.model import SpikeSettings, score_matrix

WEEK = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.15, 0.15])   # weekends at 15% of a weekday
N_DAYS = 92
PHASES = np.arange(N_DAYS) % 7


def noisy_weekly(n_series: int = 30, level: float = 30.0, dispersion: float = 0.06,
                 seed: int = 3) -> np.ndarray:
    """Negative-binomial counts (CV ~0.33 at the level) with a strong weekly cycle."""
    rng = np.random.default_rng(seed)
    mu = level * WEEK[PHASES]
    return rng.poisson(mu * rng.gamma(1 / dispersion, dispersion, (n_series, N_DAYS))).astype(float)


def test_an_unlisted_holiday_does_not_widen_the_band():
    values = noisy_weekly()
    with_holiday = values.copy()
    with_holiday[:, 36] = 0.0                       # a weekday with no cases, not in any calendar
    plain = score_matrix(values, phases=PHASES)
    holiday = score_matrix(with_holiday, phases=PHASES)
    sd_plain = np.sqrt(plain["variance"][:, 60:]).mean()
    sd_holiday = np.sqrt(holiday["variance"][:, 60:]).mean()
    assert sd_holiday < 1.15 * sd_plain


def test_weekends_are_learnt_within_a_few_weeks():
    result = score_matrix(noisy_weekly(level=300.0), phases=PHASES)
    weekend = PHASES >= 5
    late = np.arange(N_DAYS) >= 35
    expected = result["expected"][:, weekend & late].mean()
    assert 0.7 * 45 < expected < 1.3 * 45          # the true weekend mean is 300 × 0.15


def test_a_3x_day_with_20_more_cases_on_a_noisy_segment_is_flagged():
    # (was 2.5x on days 43..71 under the "big spike" rule, p <= 3e-3 for a doubling; that rule
    # raised most of the false events on noisy data and is off. The predictive p-value counts
    # the error of a level, season and spread learnt from a few weeks, so a young noisy
    # segment needs a clearer rise: 2.5x on days 57..71 is found 4 times in 10, 3x 8 in 10.)
    values = noisy_weekly(dispersion=0.03)
    planted = [(s, 57 + 7 * (s % 3)) for s in range(0, 30, 3)]           # Tuesdays, days 57..71
    clean = score_matrix(values, phases=PHASES)
    for s, t in planted:
        values[s, t] = np.ceil(max(3.0 * clean["expected"][s, t], clean["expected"][s, t] + 20))
    result = score_matrix(values, phases=PHASES)
    hits = set(zip(*np.nonzero(result["is_anomaly"])))
    assert len(set(planted) & hits) >= 7
    # and no chance tripling on the other 2,000 scored buckets
    assert not hits - set(planted)


def test_the_big_spike_rule_is_off_by_default_and_can_be_switched_on():
    values = noisy_weekly()
    clean = score_matrix(values, phases=PHASES)
    values[0, 50] = np.ceil(2.2 * clean["expected"][0, 50])
    loose = score_matrix(values, phases=PHASES, settings=SpikeSettings(big_alpha=3e-2))
    strict = score_matrix(values, phases=PHASES)
    assert SpikeSettings().big_alpha == 0.0
    assert loose["is_anomaly"][0, 50]
    assert strict["is_anomaly"].sum() <= loose["is_anomaly"].sum()


def test_pair_test_learns_that_consecutive_buckets_move_together():
    """Buckets sharing a shock (the hours of one day; here blocks of 6 buckets sharing a gamma
    multiplier of relative variance 0.1 around 20 cases) are not independent: the pair test
    adds their variances plus the learnt lag-1 covariance of the residuals (round 7). Before, it
    assumed only the level's shared error, and the pairs raised 59 false flags on top of the
    13 single-bucket ones (200 series × 372 scored buckets, nothing planted); now 15. On by
    default for hourly buckets (detect.HOURLY_DEFAULTS); daily buckets keep the old pair test
    (on the demo the learnt correlation cost 2 of its 12 planted incidents)."""
    rng = np.random.default_rng(3)
    n, t, block = 200, 400, 6
    shock = np.repeat(rng.gamma(10, 0.1, (n, t // block + 1)), block, axis=1)[:, :t]
    values = rng.poisson(20 * shock).astype(float)
    with_pairs = score_matrix(values, settings=SpikeSettings(pair_correlation=True))["is_anomaly"][:, 28:].sum()
    single = score_matrix(values, settings=SpikeSettings(pairs=False))["is_anomaly"][:, 28:].sum()
    assert single == 13
    assert with_pairs - single <= 20, (with_pairs, single)


def test_the_clipped_spread_has_a_skewed_counts_consistency_factor():
    """Known answers of gamma_consistency, E[min(z², 9)] for a standardised gamma: skewness 0
    is the normal's factor (0.9950), skewness 2 is an exponential's, 1 − 8 e⁻⁴ (z ≥ −1, so only
    the upper clip at 3 sd bites: ∫₀⁴ (g − 1)² e⁻ᵍ dg + 9 e⁻⁴)."""
    from analytics.spikes.model import SKEW_CONSISTENCY, SKEW_GRID, gamma_consistency

    assert np.interp(0.0, SKEW_GRID, SKEW_CONSISTENCY) == pytest.approx(0.99501, abs=1e-4)
    assert gamma_consistency(np.array([0.05]))[0] == pytest.approx(0.99501, abs=2e-3)
    assert gamma_consistency(np.array([2.0]))[0] == pytest.approx(1 - 8 * np.exp(-4), abs=1e-6)
    assert np.interp(2.0, SKEW_GRID, SKEW_CONSISTENCY) == pytest.approx(1 - 8 * np.exp(-4), abs=2e-3)


def test_a_skewed_count_under_shared_shocks_keeps_its_variance():
    """300 series of 100 cases a day times three shared gamma shocks (relative variance 0.05
    each: the ServiceNow setting of bench/sensitivity_shown.py), true variance 100 + 0.158 ×
    100². The spread learns from residuals clipped at 3 sd; with the normal consistency factor
    the skewed count (skewness ~0.8: 1.1 % of days above 3 sd, none below) had its predictive
    variance under-read to 0.924 of the truth (median after day 100), which is where the
    bench's false daily events were (leaves on shock days, variance 0.55–0.9 of the truth).
    With the gamma factor for the model's own skewness: 0.952, and the normal one stays as an
    option (`spread_skew` false)."""
    rng = np.random.default_rng(5)
    n, t, mu = 300, 300, 100.0
    shock = np.prod([rng.gamma(20, 0.05, (n, t)) for _ in range(3)], axis=0)
    values = rng.poisson(mu * shock).astype(float)
    true_var = mu + mu**2 * (1.05**3 - 1)
    skewed = score_matrix(values)["variance"][:, 100:] / true_var
    normal = score_matrix(values, settings=SpikeSettings(spread_skew=False))["variance"][:, 100:] / true_var
    assert np.median(skewed) >= 0.94, np.median(skewed)
    assert np.median(normal) < 0.93, np.median(normal)


def test_two_term_variance_reads_a_shocked_parents_weekend():
    """`shock_variance` (not the default): variance = mu + alpha mu + b mu², both learnt. A
    parent whose extra variance is a day shock shared by its cases (gamma, relative variance
    0.05; weekends at half the weekdays' mean) has variance mu + 0.05 mu². The one-term model
    reads alpha off the busy weekdays and gives the weekend ~1.6× its true variance (a shock-
    sized weekend rise hides in it); the two-term fit ~1.2× (the rest is the predictive
    widening and the spread's estimation error), weekdays unchanged (~1.0)."""
    rng = np.random.default_rng(1)
    n, t = 200, 365
    phases = np.arange(t) % 7
    mu = np.exp(rng.uniform(np.log(20), np.log(300), n))[:, None] * np.where(phases >= 5, 0.5, 1.0)
    values = rng.poisson(mu * rng.gamma(20, 0.05, (n, t))).astype(float)
    true_var = (mu + 0.05 * mu**2)[:, 100:]
    weekend = phases[100:] >= 5
    ratios = {}
    for two_term in (False, True):
        var = score_matrix(values, phases=phases,
                           settings=SpikeSettings(shock_variance=two_term))["variance"][:, 100:]
        ratios[two_term] = (np.median((var / true_var)[:, weekend]),
                            np.median((var / true_var)[:, ~weekend]))
    assert ratios[False][0] > 1.45 and ratios[True][0] < 1.3, ratios
    assert 0.9 < ratios[True][1] < 1.1, ratios
