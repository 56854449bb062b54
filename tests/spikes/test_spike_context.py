"""The NAB-only context detector (CAD OSE reimplementation, bench/nab_detectors/context.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import nab_detectors  # noqa: E402
from nab_detectors import context as ctx  # noqa: E402

# The file in NAB (../shared/benchmarks/nab) and in its cut (tests/fixtures/nab/make_cut.py: rows
# 0-450 and the row of the file's minimum, so the same first 211 rows, min and max)
EXCHANGE = Path("data") / "realAdExchange" / "exchange-2_cpc_results.csv"
FULL = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "nab" / EXCHANGE
CUT = Path(__file__).resolve().parents[1] / "fixtures" / "nab" / EXCHANGE
# numenta/NAB's published CAD OSE scores of that file (results/contextOSE/realAdExchange/
# contextOSE_exchange-2_cpc_results.csv): every non-zero score of rows 0-210
PUBLISHED = {129: 0.223684210526, 130: 0.775883838384, 182: 0.309322033898, 183: 0.242883439616,
             184: 0.31631070278, 185: 0.221476510067, 188: 0.342836778332, 189: 0.189723320158,
             190: 0.29693877551, 191: 0.226377952756, 192: 0.225961538462, 193: 0.225961538462,
             194: 0.225961538462, 195: 0.225961538462, 196: 0.189903846154, 197: 0.265249677957,
             198: 0.233067729084, 199: 0.262948207171, 200: 0.463218390805, 206: 0.261299633906,
             209: 0.250798722045, 210: 0.188976377953}


def periodic(cycles: int = 60, period: int = 24) -> np.ndarray:
    """A daily-shaped cycle repeated exactly: learnt within a few cycles."""
    return np.tile(10 + 8 * np.sin(np.linspace(0, 2 * np.pi, period, endpoint=False)), cycles)


def test_planted_anomaly_in_a_periodic_series_scores_high_there_and_low_elsewhere():
    values = periodic()
    values[1200] = 30.0          # a spike far outside the cycle, late in the series
    score = ctx.context_scores(values, low=0, high=30, rest=20)
    assert score[1200] == 1.0                    # every fact new: (1 - 0 + 1) / 2
    assert score[600:1200].max() < 0.5 and score[1201:].max() < 0.5


def test_scores_are_causal():
    values = periodic()
    values[700:] += 3.0          # later data (a level shift) must not change any earlier score
    full = ctx.context_scores(values, low=0, high=30, rest=20)
    part = ctx.context_scores(values[:700], low=0, high=30, rest=20)
    np.testing.assert_array_equal(full[:700], part)


def test_rest_silences_the_buckets_after_a_high_score():
    values = periodic()
    values[1200:1210] = 30.0
    score = ctx.context_scores(values, low=0, high=30, rest=50)
    first = 1200 + int(np.argmax(score[1200:] >= 0.75))
    assert (score[first + 1:first + 51] == 0).all()


def test_matrix_scores_each_series_alone_and_skips_nan_padding():
    a, b = periodic(), periodic(cycles=40)
    matrix = np.full((2, len(a)), np.nan)
    matrix[0], matrix[1, :len(b)] = a, b
    out = ctx.context_score_matrix(matrix, low=0, high=30, rest=(20, 10))
    np.testing.assert_array_equal(out[0], ctx.context_scores(a, low=0, high=30, rest=20))
    np.testing.assert_array_equal(out[1, :len(b)], ctx.context_scores(b, low=0, high=30, rest=10))
    assert (out[1, len(b):] == 0).all()
    with pytest.raises(ValueError):
        ctx.context_score_matrix(matrix, low=np.nan, high=30, rest=5)


def test_python2_tuple_hash_matches_known_values():
    assert ctx.tuple_hash(()) == 3527539                     # hash(()) in CPython 2.7, 64-bit
    assert ctx.tuple_hash((1,)) == 3430019387558


@pytest.mark.parametrize("exchange", [
    pytest.param(CUT, id="cut"),
    pytest.param(FULL, id="full", marks=pytest.mark.skipif(
        not FULL.exists(), reason="../shared/benchmarks/nab not present (the cut ran)"))])
def test_reproduces_the_published_cad_ose_scores(exchange):
    values = pd.read_csv(exchange)["value"].to_numpy(float)[:211]
    full = pd.read_csv(exchange)["value"].to_numpy(float)
    score = ctx.context_scores(values, low=full.min(), high=full.max(), rest=int(243 / 5))
    expected = np.zeros(211)
    expected[list(PUBLISHED)] = list(PUBLISHED.values())
    np.testing.assert_allclose(score, expected, atol=1e-9)


def test_the_nab_blend_is_context_and_likelihood_weighted():
    """nab_detectors.scores(scoring="blend") is weight × CAD OSE + the rest × likelihood, per series."""
    rng = np.random.default_rng(3)
    values = np.vstack([np.sin(np.arange(600) / 10) + rng.normal(0, 0.05, 600),
                        rng.normal(5, 1, 600)])
    values[0, 450] += 4
    common = dict(direction="both", alert_gap=50, context_rest=20)
    blend = nab_detectors.scores(values, nab_detectors.NabSettings(**common, scoring="blend",
                                                                   context_weight=0.7))
    like = nab_detectors.scores(values, nab_detectors.NabSettings(**common, scoring="likelihood"))
    context = ctx.context_score_matrix(values, low=values.min(1), high=values.max(1), rest=20)
    assert np.allclose(blend, 0.7 * context + 0.3 * like)
    assert blend[0, 450] == blend[0].max()
    with pytest.raises(ValueError):
        nab_detectors.NabSettings(scoring="p_value")   # the shipped model is not a NAB mode
