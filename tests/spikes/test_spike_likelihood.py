"""The NAB-only likelihood detector (bench/nab_detectors/likelihood.py) and the injection helper
of bench/inject.py."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import nab_detectors  # noqa: E402
from nab_detectors import likelihood as lik  # noqa: E402

THRESHOLD = 0.75   # the former likelihood_threshold: a tail <= 1e-7.5


def noisy(n_series: int = 4, n_time: int = 1500, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 50 + 5 * rng.standard_normal((n_series, n_time))


def test_likelihood_is_causal():
    values = noisy()
    values[1, 900:] += 30   # a level shift later on must not change any earlier score
    full, full_z = lik.anomaly_likelihood(values, direction="both")
    part, part_z = lik.anomaly_likelihood(values[:, :800], direction="both")
    np.testing.assert_allclose(full[:, :800], part, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(full_z[:, :800], part_z)


def test_likelihood_scores_the_shift_and_stays_quiet_elsewhere():
    values = noisy()
    values[2, 1000:1010] += 40
    score, z = lik.anomaly_likelihood(values)
    score = lik.first_alerts(score, gap=288, key=z)
    assert score[2, 1000:1010].max() > THRESHOLD
    assert np.delete(score, 2, axis=0).max() < THRESHOLD and score[2, 1100:].max() < THRESHOLD


def test_first_alerts_keeps_only_scores_beating_the_previous_gap():
    score = np.random.default_rng(1).random((3, 400))
    for gap in (1, 7, 50):
        kept = lik.first_alerts(score, gap)
        for s, k in zip(score, kept):
            expected = [v if v > max(s[max(i - gap, 0):i], default=0.0) else 0.0
                        for i, v in enumerate(s)]
            np.testing.assert_array_equal(k, expected)


def test_first_alerts_ranks_by_the_key_and_takes_a_gap_per_series():
    score = np.zeros((2, 100))
    score[:, [10, 40]] = 1.0                       # two incidents, both saturated at 1
    key = np.zeros((2, 100))
    key[:, 10], key[:, 40] = 12.0, 15.0            # the second is the stronger
    assert lik.first_alerts(score, 50).sum() == 2   # ties: the second incident is silenced
    kept = lik.first_alerts(score, 50, key=key)
    assert kept[:, 40].tolist() == [1.0, 1.0]
    key[:, 10], key[:, 40] = 15.0, 12.0            # now the first is the stronger
    kept = lik.first_alerts(score, (50, 20), key=key)   # gap 50 silences the second, 20 not
    assert kept[0].nonzero()[0].tolist() == [10] and kept[1].nonzero()[0].tolist() == [10, 40]


def test_likelihood_mode_keeps_the_shape_and_flags_the_planted_jump():
    values = noisy()
    values[0, 1200] += 60
    score = nab_detectors.scores(values, nab_detectors.NabSettings(scoring="likelihood",
                                                                   direction="both", alert_gap=288))
    assert score.shape == values.shape and score.max() <= 1.0
    flagged = np.argwhere(score >= THRESHOLD)
    assert score[0, 1200] >= THRESHOLD   # the jump, and at most the drop back after it
    assert set(map(tuple, flagged)) <= {(0, 1200), (0, 1201)}


def load_inject():
    spec = importlib.util.spec_from_file_location("bench_inject", ROOT / "bench" / "inject.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_inject_puts_spikes_where_it_says():
    inject = load_inject()
    days = pd.date_range("2026-01-01", periods=60, freq="D")
    rows = [{"market": m, "abuse_category": None, "source": None, "bucket": d, "cases": c}
            for m, c in (("KZ", 30), ("UZ", 20), (None, 50)) for d in days]
    scored = pd.DataFrame(rows).assign(expected=lambda f: f["cases"].astype(float))
    before = scored.copy()
    dirty, truth = inject.inject(scored, grain="day", n=3, seed=1)
    pd.testing.assert_frame_equal(scored, before)
    added = dirty.set_index(["market", "bucket"])["cases"].sub(
        scored.set_index(["market", "bucket"])["cases"])
    want = pd.Series(0, index=added.index)
    for spike in truth.itertuples():
        for market in {spike.segment.get("market"), None}:   # the segment and "all cases"
            want.loc[(market, spike.start)] += spike.excess_per_bucket
        assert spike.excess_per_bucket >= max(20, spike.expected)   # at least 2× and 20 excess
    pd.testing.assert_series_equal(added, want, check_names=False)
