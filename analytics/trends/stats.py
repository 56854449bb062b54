"""Outbreak-detection statistics for many daily count series at once (rows = series, columns = days).

All functions take a series × days matrix and return matrices of the same shape (or one value per
series), causal: a day's expectation uses only days at least `guard_days` before it.

- `regression_expected`: ESSENCE-style linear regression over the last `baseline_days` days with
  intercept, trend and day-of-week terms; the trend is anchored at the baseline's last day (not
  extrapolated across the guard band, which would swallow the very rise we look for).
  Because the design depends only on the weekday the window starts on, the fit is 7 linear filters.
- `window_expected`: one regression fit ending `guard_days` before a test window, projected
  over the whole window (a rolling fit absorbs a slow ramp as it climbs; this one cannot).
- `ewma_expected`: the fallback for series with too short a history.
- `residual_variance`: day-to-day noise of a block of days, weekly cycle and drift removed.
- `weekday_expected`: the last days' expectation from a level + weekday fit (no trend) of a
  baseline that ends before them, with the weights its error puts on the baseline's days.
- `weighted_count_pvalue`: upper tail of a weighted sum of counts (a scaled count, NB/Poisson).
- `max_pvalue`: the p of the best of several correlated tests (a scan), without Bonferroni's
  price for tests that mostly agree.
- `cusum`: one-sided CUSUM of standardised residuals (clipped, so a one-day spike cannot alarm).
- `persistent`: active on at least `need` of the last `of` days.
- `count_pvalue`: negative-binomial (Poisson when not over-dispersed) upper tail.
- `benjamini_hochberg`: q-values.
- `bounded_score`: a p-value as the detectors' common 0-1 score.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal, special, stats


def _design(baseline_days: int, start_weekday: int, trend: bool = True) -> np.ndarray:
    """Design matrix of one baseline window: intercept, trend (unless `trend` is False), six
    weekday dummies."""
    weekday = (start_weekday + np.arange(baseline_days)) % 7
    dummies = (weekday[:, None] == np.arange(1, 7)[None, :]).astype(float)
    level = [np.ones(baseline_days)] + ([np.arange(baseline_days)] if trend else [])
    return np.column_stack(level + [dummies])


def regression_expected(counts: np.ndarray, weekdays: np.ndarray, *, baseline_days: int = 42,
                        guard_days: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts and residual variance per series and day (NaN where history is short)."""
    n_series, n_days = counts.shape
    expected = np.full(counts.shape, np.nan)
    variance = np.full(counts.shape, np.nan)
    if n_days < baseline_days + guard_days + 1:
        return expected, variance
    windows = sliding_window_view(counts, baseline_days, axis=1)[:, :n_days - baseline_days - guard_days]
    targets = np.arange(windows.shape[1]) + baseline_days + guard_days
    for phase in range(7):
        picked = np.flatnonzero(weekdays[targets - baseline_days - guard_days] == phase)
        if not len(picked):
            continue
        x = _design(baseline_days, phase)
        pinv = np.linalg.pinv(x)
        weekday_of_target = (phase + baseline_days + guard_days) % 7
        row = np.concatenate([[1.0, baseline_days - 1.0],
                              (np.arange(1, 7) == weekday_of_target).astype(float)])
        block = windows[:, picked, :]
        expected[:, targets[picked]] = block @ (row @ pinv)
        residual = block - (block @ pinv.T) @ x.T
        variance[:, targets[picked]] = (residual ** 2).sum(-1) / (baseline_days - x.shape[1])
    return np.clip(expected, 0, None), variance


def window_expected(counts: np.ndarray, weekdays: np.ndarray, *, window_days: int,
                    baseline_days: int = 42, guard_days: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts and residual variance of the last `window_days` days (series × window),
    from one fit over the `baseline_days` that end `guard_days` before the window (NaN if short)."""
    end = counts.shape[1] - window_days - guard_days
    if end < baseline_days:
        nan = np.full((counts.shape[0], window_days), np.nan)
        return nan, nan
    x = _design(baseline_days, int(weekdays[end - baseline_days]))
    pinv = np.linalg.pinv(x)
    rows = np.column_stack([np.ones(window_days), np.full(window_days, baseline_days - 1.0),
                            weekdays[-window_days:, None] == np.arange(1, 7)[None, :]])
    block = counts[:, end - baseline_days:end]
    residual = block - (block @ pinv.T) @ x.T
    variance = (residual ** 2).sum(1) / (baseline_days - x.shape[1])
    expected = np.clip(block @ (rows @ pinv).T, 0, None)
    return expected, np.repeat(variance[:, None], window_days, axis=1)


def weekday_expected(counts: np.ndarray, weekdays: np.ndarray, *, window_days: int,
                     baseline_days: int, guard_days: int):
    """Expected counts of the last `window_days` days (series × window) from one level + weekday
    fit (no trend: at a few cases a day a fitted slope, projected, is mostly noise) over the
    `baseline_days` that end `guard_days` before the window; each series' residual variance;
    and the baseline days' weights in each window day's expectation (window × baseline days:
    the weights of the fit's own error, shared by every series). None when history is short."""
    end = counts.shape[1] - window_days - guard_days
    if end < baseline_days:
        return None
    x = _design(baseline_days, int(weekdays[end - baseline_days]), trend=False)
    pinv = np.linalg.pinv(x)
    rows = np.column_stack([np.ones(window_days),
                            weekdays[-window_days:, None] == np.arange(1, 7)[None, :]])
    block = counts[:, end - baseline_days:end]
    residual = block - (block @ pinv.T) @ x.T
    variance = (residual ** 2).sum(1) / (baseline_days - x.shape[1])
    weights = rows @ pinv
    return np.clip(block @ weights.T, 0, None), variance, weights


def weighted_count_pvalue(observed, expected, variance, weights) -> np.ndarray:
    """P(S >= observed) for S = sum of weights × day counts with this mean and variance: S / c
    read as one count (NB, Poisson when not over-dispersed), c = sum(w²) / sum(w), which is
    exactly Poisson when the days are Poisson (a normal tail would be too thin at a few cases
    a day)."""
    weights = np.asarray(weights, float)
    c = (weights ** 2).sum() / weights.sum()
    return count_pvalue(np.asarray(observed, float) / c, np.asarray(expected, float) / c,
                        np.asarray(variance, float) / c ** 2)


def max_pvalue(pvalues: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    """P(max_k Z_k >= z) for the best of K tests per series, each read as a normal score
    (z_k = Φ⁻¹(1 − p_k), z = max_k z_k), the tests in an order where `correlation[k]` (K-1 ×
    series) is that of tests k and k+1 under no change. Hunter–Worsley's bound: Σ P(Z_k ≥ z)
    − Σ P(Z_k ≥ z, Z_k+1 ≥ z) = P(Z ≥ z) + 2 Σ Owen's T(z, √((1−ρ)/(1+ρ))): exact for two
    tests, never below the true p for more, one test's p when they agree fully (ρ = 1),
    Bonferroni's as they part (ρ → -1).

    >>> float(max_pvalue(np.array([[1e-3], [0.5]]), np.array([[1.0]]))[0])
    0.001
    >>> round(float(max_pvalue(np.array([[1e-3], [1e-3]]), np.array([[0.0]]))[0]), 6)
    0.001999
    """
    p = np.clip(np.asarray(pvalues, float), 1e-300, 1.0)
    z = stats.norm.isf(p).max(0)
    rho = np.clip(np.asarray(correlation, float), -1.0, 1.0)
    slope = np.sqrt((1 - rho) / np.fmax(1 + rho, 1e-12))
    bound = stats.norm.sf(z) + 2 * special.owens_t(z[None, :], slope).sum(0)
    return np.clip(np.where(np.isfinite(z), bound, 1.0), p.min(0), 1.0)


def residual_variance(block: np.ndarray, start_weekday: int) -> np.ndarray:
    """Per series, the variance left after an intercept + trend + weekday fit of a days block:
    the day-to-day noise, without the weekly cycle or a slow drift that a sum over whole
    weeks does not feel."""
    x = _design(block.shape[1], start_weekday)
    residual = block - (block @ np.linalg.pinv(x).T) @ x.T
    return (residual ** 2).sum(1) / (block.shape[1] - x.shape[1])


def ewma_expected(counts: np.ndarray, *, weight: float = 0.2, guard_days: int = 3) -> np.ndarray:
    """EWMA of each series up to `guard_days` before each day (the first days: NaN)."""
    smoothed = signal.lfilter([weight], [1, weight - 1], counts, axis=1,
                              zi=(1 - weight) * counts[:, :1])[0]
    out = np.full(counts.shape, np.nan)
    out[:, guard_days + 1:] = smoothed[:, :-guard_days - 1]
    return out


def standardised(counts, expected, variance, *, floor: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Residuals over a scale that is never below Poisson noise nor `floor` (zero-heavy series)."""
    scale2 = np.fmax(np.fmax(np.nan_to_num(variance), expected), floor)
    return np.nan_to_num((counts - expected) / np.sqrt(scale2)), scale2


def cusum(z: np.ndarray, *, k: float = 0.5, clip: float = 3.0) -> np.ndarray:
    """One-sided CUSUM S_t = max(0, S_t-1 + min(z_t, clip) - k) along the days."""
    z = np.minimum(z, clip) - k
    out = np.zeros_like(z)
    running = np.zeros(z.shape[0])
    for day in range(z.shape[1]):
        running = np.maximum(0.0, running + z[:, day])
        out[:, day] = running
    return out


def persistent(active: np.ndarray, *, need: int = 2, of: int = 3) -> np.ndarray:
    """Whether each day closes a run of `of` days with at least `need` active ones."""
    counts = signal.lfilter(np.ones(of), [1.0], active.astype(float), axis=1)
    return counts >= need - 1e-9


def count_pvalue(observed, expected, variance) -> np.ndarray:
    """P(X >= observed) for a count with this mean and variance (NB; Poisson if var <= mean)."""
    observed, expected = np.asarray(observed, float), np.fmax(np.asarray(expected, float), 1e-3)
    variance = np.fmax(np.asarray(variance, float), expected)
    over = variance > expected * 1.01
    size = np.where(over, expected ** 2 / np.fmax(variance - expected, 1e-9), 1.0)
    nb = stats.nbinom.sf(observed - 1, size, size / (size + expected))
    return np.where(over, nb, stats.poisson.sf(observed - 1, expected))


def benjamini_hochberg(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (same order as the p-values)."""
    p = np.asarray(pvalues, float)
    if not len(p):
        return p
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def run_start(flags: np.ndarray) -> np.ndarray:
    """Per series, the index of the first day of the run of True that ends on the last day
    (the last day itself when that day is False)."""
    n_days = flags.shape[1]
    false_positions = np.where(~flags, np.arange(n_days), -1)
    last_false = false_positions.max(axis=1)
    return np.minimum(last_false + 1, n_days - 1)


def bounded_score(p_value, scale: float = 10.0) -> np.ndarray:
    """The detector contract's score in [0, 1]: min(1, -log10(p) / scale), as for spikes.

    >>> bounded_score([1.0, 1e-5, 1e-30]).tolist()
    [0.0, 0.5, 1.0]
    """
    p = np.fmax(np.nan_to_num(np.asarray(p_value, float), nan=1.0), 1e-300)
    return np.clip(-np.log10(p) / scale, 0.0, 1.0) + 0.0   # (+ 0.0: no -0.0 where p = 1)
