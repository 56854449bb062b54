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
    rows = np.arange(len(first))
    before = np.maximum(first - 1, 0)
    covered_before = np.cumsum(~np.isnan(values), axis=1)[rows, before] if values.size \
        else np.zeros(len(first), int)
    newcomer = (parent >= 0) & (first > 0) & (covered_before >= history) \
        & ~np.isnan(values[rows, before]) if values.size else np.zeros(len(first), bool)
    return np.where(newcomer, first, -1)


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
    counts = np.nan_to_num(values)
    seen_from, last_seen = first_buckets(values), _last_buckets(counts)
    changes, scored = [], []
    for s in np.flatnonzero(first >= 0):
        t0 = first[s]
        siblings = rows[(parent == parent[s]) & (rows != s) & (seen_from >= 0) & (seen_from < t0)]
        renamed = _renamed_from(counts, last_seen, s, siblings, t0)
        if renamed >= 0:
            changes.append((s, t0, renamed))
        else:
            scored.append((s, t0, _sibling_share(counts, parent[s], siblings, t0)))
    cells = _window_cells([(s, t0) for s, t0, _ in changes], window, values.shape[1])
    result["p_value"][cells], result["is_anomaly"][cells], result["score"][cells] = 1.0, False, 0.0
    _score_against_siblings(values, result, parent, scored, window, cfg)
    return pd.DataFrame(changes, columns=["row", "first", "renamed_from"])


def _window_cells(starts: list[tuple[int, int]], window: int, n_time: int):
    """(rows, columns) of each (series, first bucket)'s first `window` buckets."""
    spans = [(s, np.arange(t0, min(t0 + window, n_time))) for s, t0 in starts]
    if not spans:
        return np.zeros(0, int), np.zeros(0, int)
    return (np.concatenate([np.full(len(c), s) for s, c in spans]),
            np.concatenate([c for _, c in spans]))


def _sibling_share(counts: np.ndarray, parent: int, siblings: np.ndarray, t0: int) -> float:
    """The median share of the parent a sibling held over the SHARE_DAYS before `t0`."""
    history = slice(max(0, t0 - SHARE_DAYS), t0)
    parent_sum = counts[parent, history].sum()
    if not len(siblings) or parent_sum <= 0:
        return 1.0 / (len(siblings) + 1)
    return float(np.median(counts[siblings, history].sum(1) / parent_sum))


def _last_buckets(counts: np.ndarray) -> np.ndarray:
    """Each series' last bucket with a case (-1 for none)."""
    positive = counts > 0
    return np.where(positive.any(1), counts.shape[1] - 1 - positive[:, ::-1].argmax(1), -1)


def _renamed_from(counts: np.ndarray, last_seen: np.ndarray, s: int, siblings: np.ndarray,
                  t0: int) -> int:
    """The sibling that stopped as series `s` started, at a similar volume (-1 for none)."""
    last = last_seen[siblings]
    # stopped within RENAME_GAP of the start, and not merely quiet at the end of the data
    stopped = siblings[(np.abs(last - t0) <= RENAME_GAP) & (last + 1 < counts.shape[1] - 1)]
    now = counts[s, t0:t0 + 7].mean()
    for r in stopped:
        before = counts[r, max(0, last_seen[r] - SHARE_DAYS + 1):last_seen[r] + 1].mean()
        if 1 / RENAME_RATIO <= now / max(before, 1e-9) <= RENAME_RATIO:
            return int(r)
    return -1


def _score_against_siblings(values, result, parent, scored, window: int, cfg: SpikeSettings):
    """Expected = the parent's expected × the sibling share, for the newcomers' windows, parents
    before children: a new category of a new market reads the market's prediction (what its
    siblings predict), not the level the market's own model learnt from its first days, so a
    new market and its new parts are judged alike and the market's event names its parts."""
    depth = _depths(parent)
    for level in sorted({depth[s] for s, _, _ in scored}):
        _score_level(values, result, parent, [x for x in scored if depth[x[0]] == level],
                     window, cfg)


def _depths(parent: np.ndarray) -> np.ndarray:
    """Each series' number of ancestors (0 for the top series)."""
    depth = np.zeros(len(parent), int)
    up = parent.copy()
    while (up >= 0).any():
        depth += up >= 0
        up = np.where(up >= 0, parent[np.maximum(up, 0)], -1)
    return depth


def _score_level(values, result, parent, scored, window: int, cfg: SpikeSettings):
    """`_score_against_siblings` for newcomers of one depth at once (one negative-binomial tail
    over all their buckets)."""
    rows, cols = _window_cells([(s, t0) for s, t0, _ in scored], window, values.shape[1])
    if not len(rows):
        return
    share = dict((s, sh) for s, _, sh in scored)
    parent_expected = result["expected"][parent[rows], cols]
    mu = np.maximum(np.nan_to_num(parent_expected) * np.array([share[s] for s in rows]),
                    cfg.min_expected)
    var = mu + NEW_DISPERSION * mu**2
    raw = values[rows, cols]
    y = np.nan_to_num(raw)
    p = np.ones_like(mu)
    above = y > mu
    p[above] = tail_p(y[above], mu[above], var[above], cfg, True)
    flag = ((p <= cfg.alpha) & (y >= cfg.min_count) & (y >= cfg.min_ratio * mu)) | \
        ((p <= cfg.big_alpha) & (y >= cfg.big_ratio * mu) & (y - mu >= cfg.big_excess)
         & (y >= cfg.min_count))
    flag &= ~np.isnan(raw) & (cfg.direction != "down")
    result["expected"][rows, cols], result["variance"][rows, cols] = mu, var
    result["p_value"][rows, cols] = np.where(np.isnan(raw), np.nan, p)
    result["is_anomaly"][rows, cols] = flag
    with np.errstate(divide="ignore"):
        result["score"][rows, cols] = np.clip(-np.log10(np.fmax(p, 1e-300)) / cfg.score_scale, 0, 1)
