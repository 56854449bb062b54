"""Anomaly likelihood: the continuous-value scoring mode of the spike detector (NAB-style data).

Counts have a count model and a p-value (spike_model). Continuous series (CPU load, latency,
tweets per 5 minutes) have no such model, and a threshold on raw errors means something
different in every series. Numenta's "anomaly likelihood" post-processing fixes that: the mean
of the last `short` raw errors is compared, as a Gaussian tail probability, with the
distribution of those short means over the last `history` buckets of the same series; the score
is log-scaled like the p-value score, -log10(tail) / 10 in [0, 1]. Two raw error streams are
scored and the larger score kept: the change from the previous bucket (the error of a naive
predictor: sudden jumps) and the value itself (the short mean far above, or below, its usual
range: level shifts and sustained surges). Everything is causal (a bucket sees only itself and
earlier buckets) and vectorised over the (series × time) matrix with cumulative sums.
`first_alerts` keeps only scores that beat every score of the previous `gap` buckets, so one
incident raises one alert at any threshold.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage, special

MIN_HISTORY = 100        # buckets of short means needed before a tail probability means anything
REL_VAR_FLOOR = 1e-4     # variance floor relative to the squared mean: flat lines stay quiet


def rolling_mean(x: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Causal NaN-aware mean of the last `window` buckets up to and including each one, and
    how many valid buckets it averaged."""
    ok = ~np.isnan(x)
    zero = np.zeros((x.shape[0], 1))
    total = np.concatenate([zero, np.cumsum(np.where(ok, x, 0.0), axis=1)], axis=1)
    count = np.concatenate([zero, np.cumsum(ok, axis=1)], axis=1)
    end = np.arange(1, x.shape[1] + 1)
    start = np.maximum(end - window, 0)
    n = count[:, end] - count[:, start]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total[:, end] - total[:, start]) / n, n


def _lag(x: np.ndarray, fill: float) -> np.ndarray:
    return np.concatenate([np.full((x.shape[0], 1), fill), x[:, :-1]], axis=1)


def likelihood_score(raw: np.ndarray, *, short: int = 5, history: int = 8640) -> np.ndarray:
    """Score in [0, 1] of each bucket's short mean of `raw` against the earlier short means."""
    recent, _ = rolling_mean(raw, short)
    mean, n = rolling_mean(recent, history)
    square, _ = rolling_mean(recent**2, history)
    mean, square, n = _lag(mean, np.nan), _lag(square, np.nan), _lag(n, 0.0)
    var = np.maximum(square - mean**2, REL_VAR_FLOOR * np.maximum(mean**2, 1e-6))
    tail = special.ndtr(-(recent - mean) / np.sqrt(var))
    tail = np.where((n >= MIN_HISTORY) & ~np.isnan(raw), tail, 1.0)
    return np.clip(np.log10(np.nan_to_num(tail, nan=1.0) + 1e-10) / -10.0, 0.0, 1.0)


def anomaly_likelihood(values: np.ndarray, *, direction: str = "up", short: int = 5,
                       history: int = 8640) -> np.ndarray:
    """The larger of the change score and the level score (up, down or both) per bucket."""
    change = np.abs(np.diff(values, axis=1, prepend=np.nan))
    scores = [likelihood_score(change, short=short, history=history)]
    if direction in ("up", "both"):
        scores.append(likelihood_score(values, short=short, history=history))
    if direction in ("down", "both"):
        scores.append(likelihood_score(-values, short=short, history=history))
    return np.maximum.reduce(scores)


def first_alerts(score: np.ndarray, gap: int) -> np.ndarray:
    """`score` where it beats the maximum of the previous `gap` buckets' scores, else 0."""
    if gap <= 0:
        return score
    padded = np.concatenate([np.zeros((score.shape[0], gap)), np.nan_to_num(score)], axis=1)
    # window of `gap` ending just before each bucket: a max filter shifted right by one
    before = ndimage.maximum_filter1d(padded, size=gap, axis=1, origin=(gap - 1) // 2)
    before = before[:, gap - 1:-1]
    return np.where(score > before, score, 0.0)
