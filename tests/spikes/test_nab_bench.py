"""bench/nab.py: its NAB scorer (known answers, the reference detectors' published scores) and
its `shipped` detector, which must be the product's continuous KPI path (kpi_series)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.spikes.kpi_series import score_first_response
from analytics.spikes.model import SpikeSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import nab  # noqa: E402

HAVE_NAB = (nab.NAB / "labels" / "combined_windows.json").exists()
CUT = Path(__file__).resolve().parents[1] / "fixtures" / "nab"   # make_cut.py there: one file


def test_shipped_detector_is_the_kpi_series_median_first_response_path():
    rng = np.random.default_rng(5)
    days = pd.date_range("2026-01-01", periods=160, freq="D")
    seconds = np.exp(rng.normal(7, 0.2, len(days)))
    seconds[120] *= 4                                   # one slow day
    frames = {"x/a.csv": pd.DataFrame({"timestamp": days.astype(str), "value": seconds})}
    score, _ = nab.shipped_scores(frames, {})
    product = score_first_response(seconds[None, :], np.full((1, len(days)), 100.0), days)
    alpha_score = -np.log10(SpikeSettings().alpha) / nab.P_SCALE
    # NAB's detections at the product's alpha are exactly the product's flags ...
    np.testing.assert_array_equal(score["x/a.csv"] >= alpha_score, product["is_anomaly"][0])
    assert product["is_anomaly"][0, 120]
    # ... and every score is the product's p-value where the ratio floor holds
    nonzero = score["x/a.csv"] > 0
    np.testing.assert_allclose(10 ** (-nab.P_SCALE * score["x/a.csv"][nonzero]),
                               product["p_value"][0][nonzero], rtol=1e-9)


def test_event_starts_keep_the_first_row_of_each_event():
    hits = np.array([3, 4, 6, 10, 11, 30])
    assert nab.event_starts(hits, 0).tolist() == hits.tolist()
    assert nab.event_starts(hits, 3).tolist() == [3, 10, 30]      # steps of at most 3 join


def test_scorer_known_answers_on_a_cut_of_nab():
    """NAB's scoring rules on a real NAB file and its labelled window (rows 244-406 of 452, the
    first 67 the probationary period), each answer worked out by hand from the NAB paper's
    scaled sigmoid: a detection at a window's first row earns A_TP = 1, at its last row
    A_TP * sigmoid(-1/width) / sigmoid(-1); a missed window costs A_FN = 1; a false positive
    before any window costs A_FP = 0.11; detections in the probationary period do not count."""
    frames, files = nab.load(CUT)
    (name, file), = files.items()
    assert (file.n, file.probation, file.left.tolist(), file.right.tolist()) == (452, 67, [244],
                                                                                 [406])
    standard = nab.PROFILES["standard"]

    def scored(*rows: int) -> tuple[float, float]:
        scores = np.zeros(file.n)
        scores[list(rows)] = 1.0
        return nab.normalised(files, {name: scores}, 0.5, standard)

    def sigmoid(y: float) -> float:   # NAB's scaled sigmoid, 2 / (1 + e^(5y)) - 1
        return 2 / (1 + np.exp(5 * y)) - 1

    width = 406 - 244 + 1
    assert scored(244) == pytest.approx((1.0, 100.0))         # first row of the window
    assert scored() == pytest.approx((-1.0, 0.0))             # the window missed
    assert scored(30) == pytest.approx((-1.0, 0.0))           # in the probationary period
    last = sigmoid(-1 / width) / sigmoid(-1.0)
    assert scored(406) == pytest.approx((last, 100 * (last + 1) / 2))   # its last row
    assert scored(100, 244) == pytest.approx((0.89, 94.5))    # a false positive before it
    assert scored(244, 300) == pytest.approx((1.0, 100.0))    # later rows of one window: no extra


@pytest.mark.skipif(not HAVE_NAB, reason="../shared/benchmarks/nab not present (the cut ran: "
                    "test_scorer_known_answers_on_a_cut_of_nab)")
def test_scorer_known_answers_and_a_published_reference_score():
    frames, files = nab.load(nab.NAB)
    standard = nab.PROFILES["standard"]
    perfect = {n: np.isin(np.arange(f.n), f.left).astype(float) for n, f in files.items()}
    never = {n: np.zeros(f.n) for n, f in files.items()}
    assert nab.normalised(files, perfect, 1.0, standard)[1] == pytest.approx(100.0)
    assert nab.normalised(files, never, 1.0, standard)[1] == pytest.approx(0.0)
    table = pd.read_parquet(nab.NAB / "reference" / "numenta_scores.parquet")
    numenta = {n: g["anomaly_score"].to_numpy() for n, g in table.groupby("file")}
    raw, score = nab.normalised(files, numenta, 0.5421876907348634, standard)
    assert score == pytest.approx(70.10, abs=0.005) and raw == pytest.approx(46.63, abs=0.01)
