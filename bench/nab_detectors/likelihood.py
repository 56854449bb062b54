"""Anomaly likelihood: a NAB-only detector (not shipped: the product scores continuous KPI
series with analytics/spikes/continuous.py; bench/nab.py compares both).

Counts have a count model and a p-value (spike_model). Continuous series (CPU load, latency,
tweets per 5 minutes) have no such model, and a threshold on raw errors means something
different in every series. Numenta's "anomaly likelihood" post-processing fixes that: the mean
of the last `short` raw errors is compared, as a Gaussian tail probability, with the
distribution of those short means over the last `history` buckets of the same series; the score
is log-scaled like the p-value score, -log10(tail) / 10 in [0, 1]. Two raw error streams are
scored and the larger score kept: the change from the previous bucket (the error of a naive
predictor: sudden jumps; by default the last bucket's jump alone, `change_short` = 1, which
catches single-bucket spikes a 5-bucket mean diluted) and the value itself (the short mean far
above, or below, its usual range: level shifts and sustained surges). Everything is causal (a bucket sees only itself and
earlier buckets) and vectorised over the (series × time) matrix with cumulative sums.
`first_alerts` keeps only scores whose z beats every z of the previous `gap` buckets, so one
incident raises one alert at any threshold.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage, special

from analytics.spikes.continuous import rolling_sums

MIN_HISTORY = 100        # buckets of short means needed before a tail probability means anything
REL_VAR_FLOOR = 1e-4     # variance floor relative to the squared mean: flat lines stay quiet


def rolling_mean(x: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Causal NaN-aware mean of the last `window` buckets up to and including each one, and
    how many valid buckets it averaged."""
    total, n = rolling_sums(x, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / n, n


def _lag(x: np.ndarray, fill: float) -> np.ndarray:
    return np.concatenate([np.full((x.shape[0], 1), fill), x[:, :-1]], axis=1)


def likelihood_z(raw: np.ndarray, *, short: int = 5, history: int = 8640) -> np.ndarray:
    """Gaussian z of each bucket's short mean of `raw` against the earlier short means (-inf
    where there is too little history): unbounded, so it ranks what the score saturates."""
    recent, _ = rolling_mean(raw, short)
    mean, n = rolling_mean(recent, history)
    square, _ = rolling_mean(recent**2, history)
    mean, square, n = _lag(mean, np.nan), _lag(square, np.nan), _lag(n, 0.0)
    var = np.maximum(square - mean**2, REL_VAR_FLOOR * np.maximum(mean**2, 1e-6))
    z = (recent - mean) / np.sqrt(var)
    return np.where((n >= MIN_HISTORY) & ~np.isnan(raw), np.nan_to_num(z, nan=-np.inf), -np.inf)


def score_of(z: np.ndarray) -> np.ndarray:
    """-log10 of the Gaussian tail beyond z, / 10, in [0, 1] (1 = tail <= 1e-10)."""
    return np.clip(np.log10(special.ndtr(-z) + 1e-10) / -10.0, 0.0, 1.0)


def likelihood_score(raw: np.ndarray, *, short: int = 5, history: int = 8640) -> np.ndarray:
    """Score in [0, 1] of each bucket's short mean of `raw` against the earlier short means."""
    return score_of(likelihood_z(raw, short=short, history=history))


def anomaly_likelihood(values: np.ndarray, *, direction: str = "up", short: int = 5,
                       history: int = 8640, change_short: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(score, z) per bucket: the largest z of the change stream (the last `change_short`
    buckets' jumps) and the level stream (the last `short` values; up, down or both)."""
    change = np.abs(np.diff(values, axis=1, prepend=np.nan))
    zs = [likelihood_z(change, short=change_short, history=history)]
    if direction in ("up", "both"):
        zs.append(likelihood_z(values, short=short, history=history))
    if direction in ("down", "both"):
        zs.append(likelihood_z(-values, short=short, history=history))
    z = np.maximum.reduce(zs)
    return score_of(z), z


def first_alerts(score: np.ndarray, gap, key: np.ndarray | None = None) -> np.ndarray:
    """`score` where its `key` (default: the score) beats the maximum key of the previous `gap`
    buckets, else 0. `gap`: one int, or one per series. Rank by an unbounded key (the z): a
    score saturated at 1 ties with the previous one and would silence a second incident."""
    key = score if key is None else key
    gaps = np.broadcast_to(np.asarray(gap, dtype=np.int64), (score.shape[0],))
    out = np.where(gaps[:, None] <= 0, score, 0.0)
    for g in np.unique(gaps[gaps > 0]):
        rows = gaps == g
        k = np.nan_to_num(key[rows], nan=-np.inf)
        padded = np.concatenate([np.full((k.shape[0], g), -np.inf), k], axis=1)
        # window of `g` ending just before each bucket: a max filter shifted right by one
        before = ndimage.maximum_filter1d(padded, size=g, axis=1, origin=(g - 1) // 2)[:, g - 1:-1]
        out[rows] = np.where(k > before, score[rows], 0.0)
    return out
