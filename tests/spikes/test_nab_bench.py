"""bench/nab.py: its NAB scorer (known answers, the reference detectors' published scores) and
its `shipped` detector, which must be the product's continuous KPI path (kpi_series)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.spikes import kpi_series
from analytics.spikes.continuous import ContinuousSettings, score_continuous

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import nab  # noqa: E402

HAVE_NAB = (nab.NAB / "labels" / "combined_windows.json").exists()
CUT = Path(__file__).resolve().parents[1] / "fixtures" / "nab"   # make_cut.py there: one file


def test_shipped_detector_is_the_continuous_kpi_detector():
    """bench/nab.py's `shipped` runs analytics/spikes/continuous.py with exactly the settings
    kpi_series scores the median first response with (issue #15 point 7: direction both, the
    28-bucket warm-up, alpha 1e-8); only the data's own season differs: hour-of-day phases and a
    cycle of one day for buckets 5 minutes apart. Before the KPI series alerted both ways it
    ran direction up: the drop at row 2500 was not flagged; now it is, on side -1."""
    rng = np.random.default_rng(5)
    stamps = pd.date_range("2026-01-01", periods=3000, freq="5min")
    values = 50 + 10 * np.sin(np.arange(3000) * 2 * np.pi / 288) + rng.normal(0, 2, 3000)
    values[2000] = 95.0                                 # a rise: slower answers
    values[2500] = 5.0                                  # a drop: a broken clock or rubber-stamping
    frames = {"x/a.csv": pd.DataFrame({"timestamp": stamps.astype(str), "value": values})}
    score, _ = nab.shipped_scores(frames, {})
    shipped = kpi_series.continuous_settings()
    assert nab.shipped_settings({}) == shipped == ContinuousSettings(direction="both", warmup=28)
    product = score_continuous(values[None, :], phases=stamps.hour.to_numpy(), cycle=288,
                               settings=shipped)
    threshold = -np.log10(shipped.alpha) / nab.P_SCALE
    np.testing.assert_array_equal(score["x/a.csv"] >= threshold, product["is_anomaly"][0])
    assert product["is_anomaly"][0, [2000, 2500]].all()
    assert product["side"][0, [2000, 2500]].tolist() == [1, -1]
    assert set(np.unique(product["side"][0][product["is_anomaly"][0]])) <= {-1, 1}
    assert not product["side"][0][~product["is_anomaly"][0]].any()
    # --set '{"direction": "up", "warmup": "probation"}': up only, each file's probation
    up, _ = nab.shipped_scores(frames, {"direction": "up", "warmup": "probation"})
    again = score_continuous(values[None, :], phases=stamps.hour.to_numpy(), cycle=288,
                             settings=ContinuousSettings(direction="up", warmup=nab.probation(3000)))
    np.testing.assert_array_equal(up["x/a.csv"] >= threshold, again["is_anomaly"][0])
    assert again["is_anomaly"][0, 2000] and not again["is_anomaly"][0, 2500]


def test_nab_rules_on_a_hand_scored_file():
    """One file of 1,000 rows (probation 150), one window rows 400-499: a detection in the
    probation is ignored, one before the window costs A_FP, the first in the window scores
    f(-0.5) / f(-1), a later one in it nothing, one 201 rows after it A_FP·f(201 / 99)."""
    file = nab.File("x/a.csv", pd.Series(pd.date_range("2026-01-01", periods=1000, freq="5min")),
                    [["2026-01-02 09:20:00", "2026-01-02 17:35:00"]])
    assert (file.probation, file.left.tolist(), file.right.tolist()) == (150, [400], [499])
    scores = np.zeros(1000)
    scores[[100, 200, 450, 460, 700]] = 1.0
    f = lambda y: 2 / (1 + np.exp(5 * y)) - 1           # noqa: E731 (NAB's scaled sigmoid)
    expected = {"standard": (1.0, 0.11), "reward_low_FP": (1.0, 0.22)}
    for name, (a_tp, a_fp) in expected.items():
        want = -a_fp + a_tp * f(-0.5) / f(-1.0) + a_fp * f(201 / 99)
        assert file.raw(scores, 0.5, nab.PROFILES[name]) == pytest.approx(want, abs=1e-12)
    assert file.raw(np.zeros(1000), 0.5, nab.PROFILES["reward_low_FN"]) == -2.0
    # the product's event grouping: 450 and 460 are one event only with a gap >= 10
    assert file.hits(scores, 0.5, gap=10).tolist() == [200, 450, 700]


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
