"""The continuous KPI detector (analytics/spikes/continuous.py) and its place in the product:
the median first response is scored with it (kpi_series), causally, one alert per incident,
quiet on noise."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.spikes import continuous, kpi_series
from analytics.spikes.continuous import ContinuousSettings, score_continuous

DAYS = pd.date_range("2026-01-05", periods=200, freq="D")
WEEKDAY = DAYS.day_of_week.to_numpy()


def noisy(n_series: int, seed: int = 1) -> np.ndarray:
    """Daily medians of first response: a level per series, a weekend lift, log-normal noise."""
    rng = np.random.default_rng(seed)
    level = 3600 * np.exp(rng.uniform(0, 3, (n_series, 1)))
    weekend = np.where(WEEKDAY >= 5, 1.3, 1.0)
    return level * weekend * np.exp(rng.normal(0, 0.15, (n_series, len(DAYS))))


def test_a_slow_day_is_flagged_and_scores_are_causal():
    values = noisy(3)
    values[1, 150] *= 3
    out = score_continuous(values, phases=WEEKDAY)
    assert out["is_anomaly"][1, 150]
    assert out["p_value"][1, 150] <= ContinuousSettings().alpha
    assert 0 <= out["score"].min() and out["score"].max() <= 1
    # what happens after day 150 changes nothing up to it
    later = values.copy()
    later[:, 151:] *= np.random.default_rng(9).uniform(0.2, 5, later[:, 151:].shape)
    again = score_continuous(later, phases=WEEKDAY)
    for name in ("expected", "band_high", "p_value", "score", "is_anomaly"):
        np.testing.assert_array_equal(out[name][:, :151], again[name][:, :151])


def test_nothing_is_scored_in_the_warm_up():
    values = noisy(2)
    values[:, 10] *= 10
    out = score_continuous(values, phases=WEEKDAY)
    assert not out["is_anomaly"][:, :28].any()


def test_a_lasting_shift_is_one_alert_and_a_stronger_one_alerts_again():
    values = noisy(1, seed=3)
    values[0, 120:] *= 2.5            # slower from day 120 on, for good
    values[0, 170] *= 10              # and one far slower day later
    flags = np.flatnonzero(score_continuous(values, phases=WEEKDAY)["is_anomaly"][0])
    assert flags[0] in (120, 121)
    shift = flags[flags < 170]
    assert (np.diff(shift) <= 3).all() and shift[-1] <= 130     # the shift: one event, at its start
    assert 170 in flags


def test_noise_alone_raises_few_alerts():
    values = noisy(200, seed=5)
    out = score_continuous(values, phases=WEEKDAY)
    months = (len(DAYS) - 28) / 30.4
    assert out["is_anomaly"].sum() / months <= 2.0      # per 200 series a month


def test_bad_knobs_are_named():
    with pytest.raises(ValueError, match="direction"):
        ContinuousSettings(direction="sideways")
    with pytest.raises(ValueError, match="windows"):
        ContinuousSettings(windows=(0, 3))
    with pytest.raises(TypeError):
        ContinuousSettings(0.5)                            # keyword-only
    with pytest.raises(ValueError, match="matrix"):
        score_continuous(np.ones(10))


def test_the_kpi_path_scores_first_response_with_the_continuous_detector(monkeypatch):
    values = noisy(2, seed=7)
    values[0, 160] *= 3
    frame = pd.DataFrame([{"metric": "first_response_median_s", "bucket": d, "market": m,
                           "abuse_category": None, "source": None, "cases": 50,
                           "breaches": None, "value": values[i, t]}
                          for i, m in enumerate(("KZ", "UZ")) for t, d in enumerate(DAYS)])
    calls = []
    real = continuous.score_positive

    def spy(*args, **kwargs):
        calls.append(kwargs["settings"])
        return real(*args, **kwargs)

    monkeypatch.setattr(kpi_series, "score_positive", spy)
    scored = kpi_series.detect_kpi_spikes(frame)
    assert calls == [kpi_series.continuous_settings()]
    expected = real(values, phases=WEEKDAY, settings=kpi_series.continuous_settings())
    np.testing.assert_allclose(scored["p_value"].to_numpy().reshape(2, -1), expected["p_value"])
    np.testing.assert_array_equal(scored["is_anomaly"].to_numpy().reshape(2, -1),
                                  expected["is_anomaly"])
    assert scored.loc[scored["is_anomaly"], ["market", "bucket"]].values.tolist() == \
        [["KZ", DAYS[160]]]


def test_sensitivity_moves_the_continuous_alpha_like_the_counts():
    from analytics.spikes import severity
    from analytics.spikes.model import SpikeSettings
    standard = kpi_series.continuous_settings(SpikeSettings(**severity.knobs("standard")))
    high = kpi_series.continuous_settings(SpikeSettings(**severity.knobs("high")))
    low = kpi_series.continuous_settings(SpikeSettings(**severity.knobs("low")))
    assert standard.alpha == ContinuousSettings().alpha
    assert low.alpha < standard.alpha < high.alpha


def test_records_need_a_long_history():
    """A new extreme counts as news only over >= 499 buckets: never on a daily series (a weekly
    cycle: record window 30 weeks = 210 days), on minute-apart buckets (a cycle of 288: window
    8,640 buckets) after 499 of them. Both run the same settings (round 7: the windows are in
    cycles of the season, no longer in warm-ups)."""
    rng = np.random.default_rng(11)
    values = 100 + rng.normal(0, 5, (1, 2000))
    values[0, 300] = 125          # a new high over a short history: the tail decides (z ~ 5)
    values[0, 1500] = 130         # a new high over 1,500 buckets: a record
    cfg = ContinuousSettings(alpha=1e-12)
    daily = score_continuous(values, phases=np.arange(2000) % 7, settings=cfg)
    minutes = score_continuous(values, cycle=288, settings=cfg)
    assert not daily["is_anomaly"][0, 300] and not daily["is_anomaly"][0, 1500]
    assert not minutes["is_anomaly"][0, 300] and minutes["is_anomaly"][0, 1500]
