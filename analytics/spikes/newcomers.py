"""New segments: a market × category (or any segment) that first appears inside covered time.

Read alone, a new segment's history is zeros, so its first ordinary day looks like an infinite
rise (a new category of 15 cases a day against an expected 0.5). What it should beat is what its
parent and siblings predict: the parent's expected value that day × the median share a sibling
holds of the parent. For its first `window` buckets a newcomer is scored against that prediction
(negative binomial, dispersion NEW_DISPERSION: a new segment's level is uncertain), so:
- a new segment of ordinary volume is no event;
- one that beats the prediction at the current setting is a spike of that segment, never
  silenced by a warm-up;
- one that starts as a sibling of similar volume stops (a renamed category) is a data change:
  no event, listed by `data_changes`.
A segment with fewer than SHARE_DAYS covered buckets before its first case is not a newcomer:
the export began there (or a market's first local day trails the data's first day), and the
warm-up keeps it quiet.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.spikes.model import SpikeSettings, tail_p

NEW_DISPERSION = 0.3   # NB alpha of a newcomer's prediction (CV ≥ 55 %: its share is a guess)
SHARE_DAYS = 28        # buckets before the newcomer's first one that set its siblings' shares
RENAME_GAP = 3         # a sibling that stopped within this many buckets of the start ...
RENAME_RATIO = 2.0     # ... at a volume within this factor is the same cases under a new name


def parents(series: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row of each series' parent (its last fixed key set to "all"), -1 for the top series."""
    labels = series[keys].astype(object).where(series[keys].notna(), None)
    index = {tuple(row): i for i, row in enumerate(labels.itertuples(index=False))}
    out = np.full(len(series), -1)
    for i, row in enumerate(labels.itertuples(index=False)):
        fixed = [k for k, v in enumerate(row) if v is not None]
        if fixed:
            parent = list(row)
            parent[fixed[-1]] = None
            out[i] = index.get(tuple(parent), -1)
    return out


def first_buckets(values: np.ndarray) -> np.ndarray:
    """Each series' first bucket with a case (-1 for none)."""
    positive = np.nan_to_num(values) > 0
    return np.where(positive.any(1), positive.argmax(1), -1)


def starts(values: np.ndarray, series: pd.DataFrame, keys: list[str], *,
           history: int = SHARE_DAYS) -> np.ndarray:
    """Each newcomer's first bucket, -1 for series that are not newcomers: the top series, and
    those with fewer than `history` covered buckets before their first case (the export began
    there, or a market's first local day trails the data's first day)."""
    parent, first = parents(series, keys), first_buckets(values)
    out = np.full(len(first), -1)
    for s in np.flatnonzero((parent >= 0) & (first > 0)):
        covered_before = np.count_nonzero(~np.isnan(values[s, :first[s]]))
        if covered_before >= history and not np.isnan(values[s, first[s] - 1]):
            out[s] = first[s]
    return out


def model_values(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """What the count model learns from: a newcomer's history starts at its first case (its
    zeros before say nothing of its level, and clipped against them it learnt for weeks)."""
    out = values.copy()
    for s in np.flatnonzero(first >= 0):
        out[s, :first[s]] = np.nan
    return out


def rescore(values: np.ndarray, result: dict, series: pd.DataFrame, keys: list[str],
            first: np.ndarray, cfg: SpikeSettings, window: int | None = None) -> pd.DataFrame:
    """Score each newcomer's first `window` buckets against its siblings (in place in `result`);
    returns the data changes found: rows `row` (the new series), `first` (its first bucket) and
    `renamed_from` (the sibling that stopped as it started)."""
    window = window or cfg.warmup
    parent, rows = parents(series, keys), np.arange(len(first))
    seen_from = first_buckets(values)
    changes = []
    for s in np.flatnonzero(first >= 0):
        t0 = first[s]
        siblings = rows[(parent == parent[s]) & (rows != s) & (seen_from >= 0) & (seen_from < t0)]
        span = slice(t0, min(t0 + window, values.shape[1]))
        renamed = _renamed_from(values, s, siblings, t0)
        if renamed >= 0:
            changes.append((s, t0, renamed))
            result["p_value"][s, span], result["is_anomaly"][s, span] = 1.0, False
            result["score"][s, span] = 0.0
        else:
            _score_against_siblings(values, result, s, parent[s], siblings, t0, span, cfg)
    return pd.DataFrame(changes, columns=["row", "first", "renamed_from"])


def _renamed_from(values: np.ndarray, s: int, siblings: np.ndarray, t0: int) -> int:
    """The sibling that stopped as series `s` started, at a similar volume (-1 for none)."""
    y = np.nan_to_num(values)
    now = y[s, t0:t0 + 7].mean()
    for r in siblings:
        active = np.flatnonzero(y[r] > 0)
        last = active[-1]
        if abs(last - t0) > RENAME_GAP or last + 1 >= y.shape[1] - 1:
            continue                  # still going, or stopped too far from the start
        before = y[r, max(0, last - SHARE_DAYS + 1):last + 1].mean()
        if 1 / RENAME_RATIO <= now / max(before, 1e-9) <= RENAME_RATIO:
            return int(r)
    return -1


def _score_against_siblings(values, result, s, parent, siblings, t0, span, cfg: SpikeSettings):
    """Expected = the parent's expected × the median sibling share of it before `t0`."""
    history = slice(max(0, t0 - SHARE_DAYS), t0)
    parent_sum = np.nansum(values[parent, history])
    if not len(siblings) or parent_sum <= 0:
        share = 1.0 / (len(siblings) + 1)
    else:
        share = float(np.median(np.nansum(values[siblings, history], axis=1) / parent_sum))
    mu = np.maximum(result["expected"][parent, span] * share, cfg.min_expected)
    var = mu + NEW_DISPERSION * mu**2
    y = np.nan_to_num(values[s, span])
    p = np.where(y > mu, tail_p(y, mu, var, cfg, True), 1.0)
    flag = ((p <= cfg.alpha) & (y >= cfg.min_count) & (y >= cfg.min_ratio * mu)) | \
        ((p <= cfg.big_alpha) & (y >= cfg.big_ratio * mu) & (y - mu >= cfg.big_excess)
         & (y >= cfg.min_count))
    flag &= ~np.isnan(values[s, span]) & (cfg.direction != "down")
    p = np.where(np.isnan(values[s, span]), np.nan, p)
    result["expected"][s, span], result["variance"][s, span] = mu, var
    result["p_value"][s, span], result["is_anomaly"][s, span] = p, flag
    with np.errstate(divide="ignore"):
        result["score"][s, span] = np.clip(-np.log10(np.fmax(p, 1e-300)) / cfg.score_scale, 0, 1)
