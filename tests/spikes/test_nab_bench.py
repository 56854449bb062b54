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


@pytest.mark.skipif(not HAVE_NAB, reason="NAB data not on this machine")
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
