"""Rising segments: sustained rises in market, category, source and category × market volume.

One matrix of daily counts (series × days, up to the as-of day) goes through two tests:
- short: the last `recent_days` against one ESSENCE regression fit that ends `guard_days` before
  them (a fit that rolls day by day would climb along a slow ramp and hide it; EWMA where
  history is short; a brand-new category × market gets what its category and market totals
  predict), summed over its last 3 days and over all of it (a step shows in its first days, a
  slow climb needs the week; the smaller p counts twice), with persistence (2 of the last 3 days
  active) or a CUSUM alarm on rolling residuals;
- slow rise: the last `long_recent_days` (each day capped, so a spike cannot carry it) against
  a level + weekday fit of the `long_baseline_days` before them (noise from a weekday + trend fit
  of those days, plus the fit's own error), still elevated in the last week; a scan over the
  rise's shape: day i weighted 1 + `long_slope` × i / days, and linear ramps begun `long_ramps`
  days ago, the best row's p priced by the rows' correlation (`ts.max_pvalue`), the rise sized
  as that row weighs its days (a ramp's row also spans days before its onset).
A one-day spike is not a trend: each day adds at most `z_cap` standard deviations to a test's
sum (and to the CUSUM), and when one day holds most of the excess a test fails. A burst of 1-3
days is not either: a day far above the ordinary days around it (`burst_margin`) reads as its
expectation in both tests, and a trend must hold on `hold_days` of the last `hold_of` days.
Benjamini–Hochberg runs over all series; a series is listed when either test's rules hold.
`score` is the surprise on the detectors' 0-1 scale (min(1, -log10 p / score_scale));
`priority`, which ranks, is surprise × excess × (1 + novelty bonus). The result has one row
per series tested, in the order of `daily_matrix`'s keys.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analytics.text.incidence import value_codes
from analytics.trends import stats as ts
from analytics.trends.settings import DEFAULTS, TrendSettings, from_knobs

DIMENSIONS = (("market",), ("abuse_category",), ("source",), ("abuse_category", "market"))
MIN_HISTORY_DAYS = 28   # covered days a baseline needs (the spikes' warm-up is the same)


def _sorted_labels(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's rank among the column's distinct labels in sorted order (a missing value is
    labelled "(unknown)", merged with a literal "(unknown)"), and those sorted labels."""
    labels = np.append(values.astype(object), "(unknown)")   # code -1 takes the last entry
    uniques, rank = np.unique(labels, return_inverse=True)
    return rank.ravel()[codes], uniques


def daily_matrix(cases: pd.DataFrame, days: pd.DatetimeIndex,
                 codes: dict | None = None, *, settled_by: int | None = None
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Series keys (dimension + one column per key) and their series × days count matrix.

    Rows are grouped on integer codes (`codes`: column -> `value_codes`, computed when not
    given), never on millions of strings; keys come out sorted as a sort on the labels would.
    `settled_by` (a day index): leave out the cases of every market, category or source whose
    first case falls after that day (what the data held before new labels arrived)."""
    codes = codes or {}
    day = ((pd.to_datetime(cases["created_date"]) - days[0]).dt.days).to_numpy()
    inside = (day >= 0) & (day < len(days))
    n_days, columns = len(days), ("market", "abuse_category", "source")
    ranks, labels = [], []
    for column in columns:
        code, values = codes[column] if column in codes else value_codes(cases[column])
        rank, uniques = _sorted_labels(code[inside], values)
        ranks.append(rank)
        labels.append(uniques)
    # one pass over the rows: market × category × source × day counts; every dimension's series
    # are sums of it (whole counts, so exactly what counting each dimension's rows gives)
    shape = tuple(len(u) for u in labels) + (n_days,)
    key = ((ranks[0] * shape[1] + ranks[1]) * shape[2] + ranks[2]) * n_days + day[inside]
    cube = np.bincount(key, minlength=int(np.prod(shape))).reshape(shape)
    if settled_by is not None:
        cube = cube * settled_labels(cube, settled_by)
    keys, blocks = [], []
    for dims in DIMENSIONS:
        axes = [columns.index(c) for c in dims]
        other = tuple(i for i in range(3) if i not in axes)
        block = cube.sum(axis=other).transpose(*np.argsort(np.argsort(axes)), len(axes)) \
            if len(axes) > 1 else cube.sum(axis=other)
        block = block.reshape(-1, n_days)   # rows in label order, first dimension slowest
        kept = block.sum(1) > 0   # the keys that have a case in the window
        present = np.flatnonzero(kept)
        frame = {}
        for position, column in reversed(list(enumerate(dims))):
            uniques = labels[axes[position]]
            frame[column] = pd.array(uniques[present % len(uniques)], dtype="str")
            present = present // len(uniques)
        blocks.append(block[kept].astype(float))
        keys.append(pd.DataFrame({c: frame[c] for c in dims}).assign(dimension=" × ".join(dims)))
    return pd.concat(keys, ignore_index=True), np.vstack(blocks)


def settled_labels(cube: np.ndarray, settled_by: int) -> np.ndarray:
    """A market × category × source (× 1) mask of the cells whose market, category and source
    each have a case on or before day `settled_by` of the cube (market × category × source × day)."""
    mask = np.ones(cube.shape[:3] + (1,), dtype=bool)
    for axis in range(3):
        other = tuple(i for i in range(3) if i != axis)
        first = np.argmax(cube.sum(axis=other) > 0, axis=1)   # label × days -> first day
        shape = [1, 1, 1, 1]
        shape[axis] = len(first)
        mask &= (first <= settled_by).reshape(shape)
    return mask


def _new_combination_expected(keys, counts, baseline: slice) -> np.ndarray:
    """Per category × market row: category share × market share × all cases, per day."""
    totals = {d: counts[(keys["dimension"] == d).to_numpy()] for d in ("market", "abuse_category")}
    grand = totals["market"].sum(0)
    base_grand = max(grand[baseline].sum(), 1.0)
    share = {d: dict(zip(keys.loc[keys["dimension"] == d, d], t[:, baseline].sum(1) / base_grand))
             for d, t in totals.items()}
    combo = keys["dimension"] == "abuse_category × market"
    product = [share["abuse_category"].get(c, 0) * share["market"].get(m, 0)
               for c, m in zip(keys.loc[combo, "abuse_category"], keys.loc[combo, "market"])]
    out = np.full(counts.shape, np.nan)
    out[combo.to_numpy()] = np.outer(product, grand)
    return out


def _expectation(keys, counts, weekdays, cfg: TrendSettings):
    expected, variance = ts.regression_expected(counts, weekdays, baseline_days=cfg.baseline_days,
                                                guard_days=cfg.guard_days)
    first = np.argmax(counts > 0, axis=1)
    short = (np.arange(counts.shape[1])[None, :] - first[:, None]) < cfg.baseline_days + cfg.guard_days
    short |= np.isnan(expected)
    ewma = np.nan_to_num(ts.ewma_expected(counts, guard_days=cfg.guard_days))
    expected = np.where(short, ewma, expected)
    variance = np.where(short, ewma, variance)
    recent = counts.shape[1] - cfg.recent_days
    is_new = (counts[:, :recent].sum(1) == 0) & (counts[:, recent:].sum(1) > 0)
    newcomer = _new_combination_expected(keys, counts, slice(0, recent))
    use = is_new[:, None] & ~np.isnan(newcomer)
    expected, variance = np.where(use, newcomer, expected), np.where(use, newcomer, variance)
    # a series that is new without a parent prediction (a new market, category or source, or a
    # combination of a new one) or that has under MIN_HISTORY_DAYS of its own days before the
    # window (it appeared because an export began, or just started) has nothing to rise against:
    # a coverage change or a spike, never a trend
    predicted = is_new & (np.nan_to_num(newcomer[:, recent:]).sum(1) > 0)
    baseline_known = (recent - first >= MIN_HISTORY_DAYS) | predicted
    return expected, variance, is_new, baseline_known, _window_fit(
        counts, weekdays, expected, variance, ~short[:, recent] & ~is_new, cfg)


def _window_fit(counts, weekdays, expected, variance, fitted, cfg: TrendSettings):
    """The recent window's expectation from one fit ending before the window (series with a
    long enough history), else the rolling expectation."""
    window_exp, window_var = ts.window_expected(counts, weekdays, window_days=cfg.recent_days,
                                                baseline_days=cfg.baseline_days,
                                                guard_days=cfg.guard_days)
    use = fitted[:, None] & ~np.isnan(window_exp)
    recent = slice(counts.shape[1] - cfg.recent_days, None)
    return (np.where(use, window_exp, expected[:, recent]),
            np.where(use, window_var, variance[:, recent]))


def _window_test(counts, window_exp, scale2, days: int, cfg: TrendSettings) -> dict:
    """The last `days` of the short window: capped sum against the one-fit expectation, a
    burst's days (`_without_bursts`) at their expectation."""
    held = _without_bursts(counts, window_exp, scale2, cfg)[:, -days:]
    counts, window_exp, scale2 = counts[:, -days:], window_exp[:, -days:], scale2[:, -days:]
    # each day adds at most `z_cap` standard deviations: a one-day spike cannot carry the sum
    capped = np.minimum(held, window_exp + cfg.z_cap * np.sqrt(scale2)).sum(1)
    expected = window_exp.sum(1)
    return {"observed": counts.sum(1), "expected": expected,
            "p": ts.count_pvalue(capped, expected, scale2.sum(1)), "days": np.full(len(counts), days)}


def _holds(counts, expected, scale2, cfg: TrendSettings) -> np.ndarray:
    """Whether each series held its rise on at least `hold_days` of the last `hold_of` days: its
    `hold_days` weakest days of those (standardised residuals), together, are still above
    expected by `hold_z` (their sum over sqrt(hold_days)), and carry on average at least
    `hold_share` of the mean daily excess of all `hold_of` days. The strongest
    `hold_of - hold_days` days are left out, so a burst confined to that many days is a spike
    (the Spikes page's), never a trend, however large its sum — even where a baseline fit a
    little low lifts the ordinary days beside it; a rise that holds is hardly touched."""
    excess = counts[:, -cfg.hold_of:] - expected[:, -cfg.hold_of:]
    z = excess / np.sqrt(scale2[:, -cfg.hold_of:])
    order = np.argsort(z, axis=1)[:, :cfg.hold_days]
    weakest_z = np.take_along_axis(z, order, axis=1).sum(1) / np.sqrt(cfg.hold_days)
    weakest_excess = np.take_along_axis(excess, order, axis=1).mean(1)
    return (weakest_z > cfg.hold_z) & (weakest_excess >= cfg.hold_share * excess.mean(1))


def _sized(observed, expected, cfg: TrendSettings) -> np.ndarray:
    """Whether a rise is large enough to list: `min_excess` cases and × `min_growth`."""
    return (observed - expected >= cfg.min_excess) & (observed >= cfg.min_growth
                                                      * np.fmax(expected, 0.5))


def _short_test(counts, expected, variance, window_fit, cfg: TrendSettings) -> dict:
    z, _ = ts.standardised(counts, expected, variance)
    alarm = ts.cusum(z, k=cfg.cusum_k, clip=cfg.z_cap)
    persist = ts.persistent(z > cfg.z_active, need=cfg.persist_need, of=cfg.persist_of)
    window = slice(counts.shape[1] - cfg.recent_days, None)
    window_exp, window_var = window_fit
    _, scale2 = ts.standardised(counts[:, window], window_exp, window_var)
    excess_days = np.clip(counts[:, window] - window_exp, 0, None)
    spike = excess_days.max(1) > cfg.spike_share * np.fmax(excess_days.sum(1), 1e-9)
    holds = _holds(counts[:, window], window_exp, scale2, cfg)
    signal = (persist[:, -1] | (alarm[:, -1] > cfg.cusum_h)) & ~spike & holds
    # a step is seen sooner in the last few days, a slow climb over the whole window: test both
    # and pay for the choice (Bonferroni over the windows)
    tests = [_window_test(counts[:, window], window_exp, scale2, d, cfg) for d in cfg.short_windows]
    p = np.minimum(1.0, np.vstack([t["p"] for t in tests]).min(0) * len(tests))
    # the window shown: the smallest p among those whose rise is large enough to list (a ramp's
    # last 3 days are up × 1.3 while its 7-day sum, with the smaller p, is up only × 1.19)
    sized = np.vstack([_sized(t["observed"], t["expected"], cfg) for t in tests])
    best = np.argmin(np.where(sized, 0.0, 1.0) + np.vstack([t["p"] for t in tests]), axis=0)
    out = {k: np.choose(best, [t[k] for t in tests]) for k in ("observed", "expected", "days")}
    out["p"] = p
    return out | {"ok": signal, "since": ts.run_start(alarm > 0),
                  "sized": _sized(out["observed"], out["expected"], cfg)}


def _ramp_weights(cfg: TrendSettings) -> np.ndarray:
    """The slow-rise test's weights over its days (rows): 1 + `long_slope` × i / n (a level rise
    loses little), then a linear ramp over each of the last `long_ramps` days (0 before it):
    the matched filter of a rise that began that many days ago and climbs steadily."""
    n = cfg.long_recent_days
    i = np.arange(1, n + 1, dtype=float)
    rows = [1 + cfg.long_slope * i / n] + [np.clip(i - (n - length), 0, None)
                                           for length in cfg.long_ramps]
    return np.vstack(rows)


def _scan_pvalue(days, each, var, weights, level_weights, inflation) -> tuple:
    """The slow-rise scan: each weight row's weighted count against its expectation (NB / Poisson
    tail, noise = day noise × Σw² plus the baseline's own error through the weights), and the p
    of the best row (`ts.max_pvalue`: the rows' correlations under no change, not Bonferroni)."""
    level_error = weights @ level_weights                       # rows × baseline days
    gram = weights @ weights.T                                  # rows × rows
    error = level_error @ level_error.T
    cov = gram[:, :, None] + error[:, :, None] * inflation[None, None, :]   # rows² × series
    diag = np.diagonal(cov).T                                   # rows × series
    p = np.vstack([ts.weighted_count_pvalue(days @ w, each @ w, var * d, w)
                   for w, d in zip(weights, diag)])
    k = np.arange(len(weights) - 1)
    rho = cov[k, k + 1] / np.sqrt(diag[:-1] * diag[1:])
    return ts.max_pvalue(p, rho), p


def _without_bursts(counts, expected, scale2, cfg: TrendSettings, kept=None) -> np.ndarray:
    """The counts with bursts taken out: a day whose standardised excess is more than
    `burst_margin` sd above the `hold_days`-th strongest of the `hold_of` days around it (the
    last `hold_of` days for the last days; so at most `hold_of - hold_days` days in a row)
    reads as its expectation. A burst of 1-3 days stands far above the ordinary days beside it
    and is the Spikes page's, never evidence of a trend; the days of a ramp or a step that
    holds are close to each other and stay. Bursts are judged on `counts`; the days returned
    are those of `kept` (e.g. the counts capped), by default `counts`."""
    out = (counts if kept is None else kept).astype(float)
    n = counts.shape[1]
    if n < cfg.hold_of:
        return out
    z = (counts - expected) / np.sqrt(scale2)
    around = sliding_window_view(z, cfg.hold_of, axis=1)       # series × windows × hold_of
    level = -np.sort(-around, axis=2)[:, :, cfg.hold_days - 1]  # series × windows
    window = np.clip(np.arange(n) - cfg.hold_of // 2, 0, n - cfg.hold_of)
    return np.where(z > level[:, window] + cfg.burst_margin, expected, out)


def _long_test(counts, weekdays, cfg: TrendSettings) -> dict:
    recent = counts[:, -cfg.long_recent_days:]
    start = max(0, counts.shape[1] - cfg.long_recent_days - cfg.long_baseline_days)
    base = counts[:, start:-cfg.long_recent_days]
    # each series' baseline starts at its own first case: a category that appeared weeks ago
    # and stayed level has not risen from the zeros before it (a brand-new one is `is_new`)
    first = np.argmax(counts > 0, axis=1) - start
    own = np.arange(base.shape[1])[None, :] >= first[:, None]
    days_own = own.sum(1)
    mean = (base * own).sum(1) / np.fmax(days_own, 1)
    filled = np.where(own, base, mean[:, None])
    # noise without the weekly cycle or a drift (a sum over whole weeks feels neither)
    var = ts.residual_variance(filled, int(weekdays[start])) * base.shape[1] / np.fmax(days_own, 1)
    scale = np.sqrt(np.fmax(np.fmax(var, mean), 1.0))
    # each day's expectation: the baseline's level and weekday (over whole weeks: its mean)
    each, _, level_weights = ts.weekday_expected(
        np.column_stack([filled, recent]), weekdays[start:], window_days=recent.shape[1],
        baseline_days=base.shape[1], guard_days=0)
    capped_days = np.minimum(recent, each + 4 * scale[:, None])
    # a scan over the rise's shape: a level rise (day i weighs 1 + long_slope × i / n) and
    # linear ramps that began `long_ramps` days ago; the best is tested at what the rows'
    # correlation costs (the baseline's error, seen through the weights, is in the noise)
    # (a burst confined to a few days cannot carry it: the scan reads the last week without
    # days that stand far above the ordinary ones, as the short test does)
    weights = _ramp_weights(cfg)
    inflation = base.shape[1] / np.fmax(days_own, 1)
    scale2 = np.repeat((scale ** 2)[:, None], recent.shape[1], 1)
    held = _without_bursts(recent, each, scale2, cfg, kept=capped_days)
    p, each_p = _scan_pvalue(held, each, np.fmax(var, mean),
                             weights, level_weights, inflation)
    own_enough = days_own >= MIN_HISTORY_DAYS
    p = np.where(own_enough, p, 1.0)
    # the rise's size as the best row weighs it: a ramp's row spans days before its onset (the
    # 14-day row of a ramp 9 days old holds 5 flat days), which dilute the plain growth of its
    # window below × 1.2 while the rise the row tests is larger
    best = np.argmin(each_p, axis=0)
    row_days = np.array([cfg.long_recent_days, *cfg.long_ramps])[best]
    in_row = np.arange(recent.shape[1])[None, :] >= recent.shape[1] - row_days[:, None]
    best_w = weights[best]                                       # series × days
    sized = (((capped_days - each) * in_row).sum(1) >= cfg.min_excess) & (
        (capped_days * best_w).sum(1) >= cfg.min_growth * np.fmax((each * best_w).sum(1),
                                                                   0.5 * best_w.max(1)))
    # the window shown: the first of the rows' windows (in order of their p), then the last
    # week, whose plain sums are up by `min_excess` and × `min_growth`; else the best row's
    support = _shown_days(capped_days, each, each_p, row_days, cfg)
    shown = np.arange(recent.shape[1])[None, :] >= recent.shape[1] - support[:, None]
    excess_days = np.clip(capped_days - mean[:, None], 0, None)
    spike = excess_days.max(1) > cfg.spike_share * np.fmax(excess_days.sum(1), 1e-9)
    still_up = (capped_days[:, -cfg.recent_days:].mean(1) > cfg.min_growth * mean) & ~spike
    still_up &= _holds(recent, np.repeat(mean[:, None], recent.shape[1], 1), scale2, cfg)
    walk = ts.cusum((recent - mean[:, None]) / scale[:, None], k=cfg.cusum_k)
    since = counts.shape[1] - cfg.long_recent_days + ts.run_start(walk > 0)
    return {"observed": (capped_days * shown).sum(1), "expected": (each * shown).sum(1), "p": p,
            "ok": still_up & own_enough, "sized": sized, "since": since, "days": support}


def _shown_days(capped_days, each, each_p, row_days, cfg: TrendSettings) -> np.ndarray:
    """The slow-rise window shown, in days: the first window, of the rows' (in order of their
    p) and then the last `recent_days`, whose plain sums are up by `min_excess` cases and ×
    `min_growth` (so a listed ramp shows a window it rose in), else the best row's (`row_days`)."""
    lengths = np.array([cfg.long_recent_days, *cfg.long_ramps, cfg.recent_days])
    sized = np.vstack([_sized(capped_days[:, -d:].sum(1), each[:, -d:].sum(1), cfg)
                       for d in lengths])                          # candidates × series
    order = np.vstack([np.argsort(np.argsort(each_p, axis=0), axis=0),
                       np.full((1, each_p.shape[1]), len(each_p))])  # rows by p, the week last
    rank = np.where(sized, order, order + len(lengths))
    return np.where(sized.any(0), lengths[np.argmin(rank, axis=0)], row_days)


RESULT_COLUMNS = ("observed", "expected", "p_value", "q_value", "is_new", "window_days", "since",
                  "pattern", "excess", "growth", "is_anomaly", "score", "priority", "sparkline")


def history_days(cases: pd.DataFrame, as_of: pd.Timestamp, cfg: TrendSettings,
                 covered_since=None) -> pd.DatetimeIndex:
    """The days a run reads: `cfg.history_days` up to `as_of`, but none before the data's
    coverage starts (`covered_since`, analytics/coverage.py; without it, the first case's day):
    a day before the first export is unknown, and read as zero it made every segment "grow"."""
    days = pd.date_range(end=as_of, periods=cfg.history_days, freq="D")
    if covered_since is None and len(cases):
        covered_since = pd.to_datetime(cases["created_date"]).min()
    if covered_since is not None:
        days = days[days >= pd.Timestamp(covered_since).normalize()]
    return days


def detect_segment_trends(cases: pd.DataFrame, as_of, *, cfg: TrendSettings = DEFAULTS,
                          codes: dict | None = None, covered_since=None, **knobs) -> pd.DataFrame:
    """One row per series with its test results; `is_anomaly` marks the emerging ones. `codes`
    (column -> `value_codes` of it) may be passed when already at hand; `covered_since` is the
    first covered day of the data (see `history_days`); `knobs`: TrendSettings fields over
    `cfg`. A run needs MIN_HISTORY_DAYS of covered history: before that there is no baseline
    to rise against."""
    cfg = from_knobs(cfg, knobs)
    as_of = pd.Timestamp(as_of).normalize()
    days = history_days(cases, as_of, cfg, covered_since)
    keys, counts = daily_matrix(cases, days, codes)
    if counts.shape[0] == 0 or len(days) < MIN_HISTORY_DAYS:   # nothing to test yet
        return keys.iloc[:0].assign(**{column: [] for column in RESULT_COLUMNS})
    out = _judge(keys, counts, days, cfg)
    # a coverage change is never a trend: where a market, category or source appeared after
    # the baseline (a new export began), a series is a trend only if it also rises without the
    # cases of those new labels (a category does not "grow" because a new source's export began)
    settled_by = max(len(days) - cfg.recent_days - MIN_HISTORY_DAYS, 0)
    single = keys["dimension"].isin(["market", "abuse_category", "source"]).to_numpy()
    if (np.argmax(counts[single] > 0, axis=1) > settled_by).any():   # (else nothing is new)
        settled_keys, settled_counts = daily_matrix(cases, days, codes, settled_by=settled_by)
        settled = _judge(settled_keys, settled_counts, days, cfg) if len(settled_keys) \
            else settled_keys.assign(is_anomaly=[])   # every label is new: nothing was there before
        still = {i for i, trend in zip(_series_ids(settled_keys), settled["is_anomaly"]) if trend}
        out["is_anomaly"] &= np.array([i in still for i in _series_ids(keys)], dtype=bool)
    out["is_anomaly"] &= ~whole_volume(keys, counts)
    return out


def whole_volume(keys: pd.DataFrame, counts: np.ndarray) -> np.ndarray:
    """True for a series that holds every case on every day: a label all cases carry (an
    export's one source, a one-market team's market, and their pairs). Its rise is the whole
    volume's, shown on the Overview, not a segment's: listed, it named "user_report" a trend
    (both real samples map every case to that source)."""
    dims = keys["dimension"].to_numpy()
    total = np.max([counts[dims == d].sum(axis=0) for d in ("market", "abuse_category", "source")
                    if (dims == d).any()], axis=0)
    return (counts == total).all(axis=1)


def _series_ids(keys: pd.DataFrame) -> list[tuple]:
    """Each series' dimension and labels as one hashable id (a missing label as None)."""
    columns = ["dimension", *(c for c in ("market", "abuse_category", "source") if c in keys)]
    return list(zip(*(keys[c].astype(object).where(keys[c].notna(), None) for c in columns)))


def _judge(keys: pd.DataFrame, counts: np.ndarray, days: pd.DatetimeIndex,
           cfg: TrendSettings) -> pd.DataFrame:
    """Both tests, Benjamini–Hochberg and the listing rules over one series × days matrix."""
    weekdays = days.day_of_week.to_numpy()
    expected, variance, is_new, baseline_known, window_fit = _expectation(keys, counts, weekdays,
                                                                          cfg)
    short = _short_test(counts, expected, variance, window_fit, cfg)
    long = _long_test(counts, weekdays, cfg)
    listable = [t["ok"] & t["sized"] for t in (short, long)]
    # a series is listed when either test's rules hold (p is both tests' together); the test
    # shown is the one with the smaller p among those whose rules hold (a rise the 7-day window
    # lists is not dropped because the 28-day sum, whose growth is diluted, had the smaller p)
    use_short = np.where(listable[0] != listable[1], listable[0], short["p"] <= long["p"])
    pick = {k: np.where(use_short, short[k], long[k]) for k in ("observed", "expected", "p", "since")}
    p = np.minimum(1.0, 2 * np.minimum(short["p"], long["p"]))
    out = keys.assign(observed=pick["observed"], expected=pick["expected"], p_value=p,
                      q_value=ts.benjamini_hochberg(p), is_new=is_new,
                      window_days=np.where(use_short, short["days"], long["days"]),
                      since=days[pick["since"].astype(int)].date,
                      pattern=np.where(is_new, "new", np.where(use_short, "rise", "slow rise")))
    out["excess"] = out["observed"] - out["expected"]
    out["growth"] = out["observed"] / np.fmax(out["expected"], 0.5)
    out["is_anomaly"] = (listable[0] | listable[1]) & baseline_known & (out["q_value"] <= cfg.fdr)
    out["score"] = ts.bounded_score(p, cfg.score_scale)
    surprise = np.minimum(-np.log10(np.fmax(p, 1e-300)), 30.0)
    out["priority"] = surprise * out["excess"].clip(lower=0) * (1 + cfg.novelty_bonus * is_new)
    out["sparkline"] = list(counts[:, -28:].astype(int))
    return out
