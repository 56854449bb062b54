"""The detector the product ships for continuous KPI series (issue #15 point 7): median first
response per segment and day (analytics/spikes/kpi_series.py), and any other continuous value
(a handle time, a latency, a CPU load: bench/nab.py scores it on NAB with these same settings).

Case counts have a count model (analytics/spikes/model.py); a continuous value has no such
model, so each bucket is compared with the same season phase's own history:

- **Seasonal z, at three time scales.** The mean of the last `windows` buckets (1, 3 and 10: a
  one-bucket jump, a short rise, a sustained shift) is compared with the exponentially weighted
  mean and variance of that same mean at the same season phase (weekday for daily series, hour of
  day below a day), learnt from earlier buckets only; halflife `season_halflife` cycles of the
  season. The variance has a floor of (`min_rel_sd` × |mean|)² (or `min_sd`², in the values'
  own unit, where larger): a flat line stays quiet. The
  tail is read on a Student t whose degrees of freedom are the phase's effective number of
  observations: a spread learnt from a few weeks is uncertain and the tail says so.
- **A one-bucket jump must be new.** The one-bucket window's z counts only where the bucket is
  the highest (or, below, the lowest) of the previous `jump_cycles` 3 cycles, in value or in its
  excess over its phase's expected value: on heavy-tailed series a burst many sd above a quiet
  phase's mean that the series has matched within the last days is ordinary (NAB: most false
  detections were such bursts; standard 69.01 -> 70.17). The 3- and 10-bucket windows are not
  tested; the excess keeps a quiet weekday from having to outgrow a busy weekend.
- **One alert per incident.** A bucket alerts only where its largest z beats every z of the
  previous `alert_gap` buckets (default: `gap_cycles` 3 cycles of the season: 3 weeks of a daily
  series, 3 days of buckets minutes apart): an incident that lasts hours or days, or drifts on,
  is one alert, and a second, stronger one still alerts.
- **Records.** A bucket beyond the range of the previous `record_window` buckets (default
  `record_cycles` 30 cycles) by at least `record_margin` of that range, whose t tail is at most
  `record_alpha` (1e-2), alerts too (p = min(RECORD_P, alpha)): a value never seen in a long span
  is news however wide the usual spread is. A record among n exchangeable earlier buckets has
  chance 1 / (n + 1), so it counts only over a span of at least 1 / `record_chance` − 1 = 499
  buckets. On the daily KPI series (a record window of 210 days) the record test therefore
  never fires: there the detector is the seasonal z alone. It fires on series of buckets minutes
  or hours apart (NAB). Measured on the sensitivity bench's simulated daily KPI series with
  records allowed after 199 days: 152 first-response events a year instead of 5, hence the rule.
  (Round 7: the gap and the record window were 1.5 and 12 warm-ups, so NAB, which hands each
  file a probationary period of ~600 rows as its warm-up, scored other spans than the daily
  series' 28-day warm-up gives; in cycles both grains run the same constants.)

Streaming-causal: a bucket's expected value, p-value and flag use only that bucket and earlier
ones; nothing reads a series' future or its overall range. One pass over time, numpy over the
series × window axis. `score_continuous` scores a (series × time) matrix; `score_positive`
scores a positive quantity both ways (rises on the values, falls on their log1p: a duration's
collapse to 0 s is far below only on the log scale), as the median first response is;
kpi_series.py adds the product's floors (≥ `min_count` cases behind a median) and the events.

The constants were chosen on NAB as global numbers (never per file): bench/nab.py and
docs/spikes.md "NAB" list what each choice scores there and what its neighbours score.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from scipy import ndimage, special

DIRECTIONS = ("up", "down", "both")
RECORD_P = 1e-8          # the p-value a record beyond the recent range by record_margin counts as
BAND_Q = 0.99            # band_low / band_high: expected ± this normal quantile × sd
MIN_PHASE_SEEN = 4       # observations of a phase before its z is read (and the t tail's dof floor)
LOG_SD_FLOOR = 0.01      # falls of a positive quantity: sd floor on its log1p (1 % of the value)


@dataclass(frozen=True, kw_only=True)
class ContinuousSettings:
    """Knobs of the continuous detector; docs/spikes.md ("Continuous KPI series") explains each."""
    direction: str = "up"           # up | down | both (which way is worse for the KPI)
    alpha: float = 1e-8             # alert when the t tail is at most this (NAB's optimum)
    windows: tuple = (1, 3, 10)     # buckets averaged into the recent level, each tested (a tuple or list)
    season_halflife: float = 7.0    # cycles of the season: how fast a phase's mean and spread move
    warmup: int = 28                # buckets of a series scored 0 at its start (learning)
    alert_gap: int = 0              # an alert's z must beat the previous this many buckets' (0: gap_cycles)
    record_window: int = 0          # buckets a record is measured against (0: record_cycles)
    record_margin: float = 0.006    # of the recent range: how far beyond it a record must lie
    record_alpha: float = 1e-2      # ... its tail at most this ...
    record_chance: float = 2e-3     # ... and 1 / (buckets in the span + 1) at most this
    gap_cycles: float = 3.0         # the alert gap, when alert_gap is 0, in cycles of the season
    jump_cycles: float = 3.0        # a one-bucket jump counts only as the highest (value or
    #                                 excess) of the previous this many cycles (0: always counts)
    record_cycles: float = 30.0     # the record window, when record_window is 0, in cycles
    min_rel_sd: float = 0.01        # sd floor relative to |mean| ...
    min_sd: float = 0.0             # ... and in the values' own unit (log scale: a relative floor)
    score_scale: float = 10.0       # score = min(1, -log10(p) / score_scale)

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), not {self.alpha!r}")
        if not self.windows or any(int(w) != w or w < 1 for w in self.windows):
            raise ValueError(f"windows must be whole numbers of buckets >= 1, not {self.windows!r}")
        for name in ("season_halflife", "score_scale"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, not {getattr(self, name)!r}")
        for name in ("warmup", "alert_gap", "record_window", "record_margin", "record_alpha",
                     "record_chance", "gap_cycles", "jump_cycles", "record_cycles", "min_rel_sd",
                     "min_sd"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)!r}")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def gap(self, cycle: float) -> int:
        """The alert gap in buckets for a season of `cycle` buckets."""
        return int(self.alert_gap or round(self.gap_cycles * cycle))

    def jump_span(self, cycle: float) -> int:
        """The span in buckets a one-bucket jump must leave the range of (0: no such test)."""
        return int(round(self.jump_cycles * cycle))

    def record_span(self, cycle: float) -> int:
        return max(int(self.record_window or round(self.record_cycles * cycle)), 1)


def rolling_sums(x: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Causal NaN-aware (sum, count of valid buckets) of the last `window` buckets up to and
    including each one, along the last axis of a (series × time) matrix."""
    ok = ~np.isnan(x)
    zero = np.zeros((x.shape[0], 1))
    total = np.concatenate([zero, np.cumsum(np.where(ok, x, 0.0), axis=1)], axis=1)
    count = np.concatenate([zero, np.cumsum(ok, axis=1)], axis=1)
    end = np.arange(1, x.shape[1] + 1)
    start = np.maximum(end - window, 0)
    return total[:, end] - total[:, start], count[:, end] - count[:, start]


def rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Causal NaN-aware mean of the last `window` buckets up to and including each one (NaN
    where the bucket itself is missing)."""
    total, count = rolling_sums(x, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isnan(x), np.nan, total / count)


def _recent_extreme(x: np.ndarray, span: int, upper: bool) -> np.ndarray:
    """Max (upper) or min of the previous `span` buckets, the current one excluded."""
    fill = -np.inf if upper else np.inf
    padded = np.concatenate([np.full((x.shape[0], span), fill), np.where(np.isnan(x), fill, x)],
                            axis=1)
    extreme = ndimage.maximum_filter1d if upper else ndimage.minimum_filter1d
    return extreme(padded, size=span, axis=1, origin=(span - 1) // 2)[:, span - 1:-1]


def records(values: np.ndarray, cfg: ContinuousSettings, span: int) -> np.ndarray:
    """Buckets beyond the previous `span` buckets' range by record_margin of that range, on the
    direction's side(s), after the warm-up: +1 above the range, -1 below it, else 0."""
    high = _recent_extreme(values, span, True)
    low = _recent_extreme(values, span, False)
    with np.errstate(invalid="ignore"):
        width = high - low
        margin = cfg.record_margin * np.where(np.isfinite(width) & (width > 0), width, np.inf)
        up = values - high > margin
        down = low - values > margin
    found = {"up": up.astype(np.int8), "down": -down.astype(np.int8),
             "both": up.astype(np.int8) - down}[cfg.direction]
    seen = np.cumsum(~np.isnan(values), axis=1) - 1     # covered buckets before this one
    return np.where(seen >= cfg.warmup, found, 0).astype(np.int8)


def _seasonal_z(streams: np.ndarray, phases: np.ndarray, weight, min_rel_sd: float,
                min_sd: float = 0.0):
    """(z, expected, sd, effective observations) of each stream bucket against the exponentially
    weighted mean and variance of its phase's earlier buckets; streams (K × S × T)."""
    k, s, t_len = streams.shape
    n_phases = int(phases.max(initial=0)) + 1
    # per phase: mean, variance, observations seen, Σ weights² of the normalised weights (1 / n_eff)
    state = np.zeros((n_phases, 4, k, s))
    state[:, 0] = np.nan
    shared = bool((phases == phases[:1]).all())        # one phase for every series (daily data)
    ks, ss = np.ogrid[:k, :s]
    out = np.full((t_len, 4, k, s), np.nan)            # time-major: each step writes one block
    by_time = np.moveaxis(streams, 2, 0)
    for t in range(t_len):
        if shared:
            cell = state[phases[0, t]]
        else:
            p = phases[:, t][None, :]
            cell = np.moveaxis(state[p, :, ks, ss], 2, 0)
        m, v, n, q = cell
        y = by_time[t]
        ok = ~np.isnan(y)
        floor = np.maximum(min_rel_sd * np.abs(np.nan_to_num(m)), max(min_sd, 1e-9))
        sd = np.sqrt(np.maximum(v, floor ** 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (y - m) / sd
            n_eff = np.where(q > 0, 1.0 / q, 0.0)
        out[t, 0] = np.where(ok & (n >= MIN_PHASE_SEEN), z, np.nan)
        out[t, 1], out[t, 2], out[t, 3] = m, sd, n_eff
        w = np.maximum(1.0 / (n + 1.0), weight)
        d = y - np.nan_to_num(m)
        first = np.isnan(m)
        new = np.stack([np.where(ok, np.where(first, y, m + w * d), m),
                        np.where(ok, np.where(first, 0.0, (1 - w) * (v + w * d * d)), v),
                        n + ok,
                        np.where(ok, np.where(first, 1.0, (1 - w) ** 2 * q + w * w), q)])
        if shared:
            state[phases[0, t]] = new
        else:
            state[p, :, ks, ss] = np.moveaxis(new, 0, 2)
    out = np.moveaxis(out, 0, 3)                        # (4, K, S, T)
    return {"z": out[0], "expected": out[1], "sd": out[2], "n_eff": out[3]}


def first_alerts(key: np.ndarray, gap: int) -> np.ndarray:
    """Booleans: `key` beats the largest key of the previous `gap` buckets (always, at gap 0)."""
    key = np.nan_to_num(key, nan=-np.inf)
    if gap <= 0:
        return np.isfinite(key)
    padded = np.concatenate([np.full((key.shape[0], gap), -np.inf), key], axis=1)
    before = ndimage.maximum_filter1d(padded, size=gap, axis=1, origin=(gap - 1) // 2)[:, gap - 1:-1]
    return np.isfinite(key) & (key > before)


def seasonal_z(values: np.ndarray, *, phases: np.ndarray | None = None, cycle=None,
               settings: ContinuousSettings = ContinuousSettings()) -> dict[str, np.ndarray]:
    """The seasonal z of every window's mean (K × S × T arrays: z, expected, sd, n_eff).
    `cycle`: one number, or one per series."""
    cfg = settings
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values must be a (series × time) matrix, got shape {values.shape}")
    n_series, n_time = values.shape
    phases = np.zeros(n_time, np.int64) if phases is None else np.asarray(phases, np.int64)
    phases = np.broadcast_to(phases, values.shape)
    n_phases = int(phases.max(initial=0)) + 1
    cycle = np.broadcast_to(np.asarray(n_phases if cycle is None else cycle, float), (n_series,))
    # one observation of a phase per n_phases buckets: its weight for season_halflife cycles
    weight = 1.0 - 0.5 ** (n_phases / (cfg.season_halflife * np.maximum(cycle, 1.0)))
    streams = np.stack([rolling_mean(values, int(w)) for w in cfg.windows])
    found = _seasonal_z(streams, phases, weight[None, :], cfg.min_rel_sd, cfg.min_sd)
    return found | {"cycle": np.asarray(cycle, float)[None, :, None]}   # sliced like the rest


def beyond_recent_range(values: np.ndarray, z: np.ndarray, span: int) -> np.ndarray:
    """Booleans: the bucket lies beyond the range of the previous `span` buckets (every phase)
    on its z's side: above their maximum where z >= 0, below their minimum where z < 0."""
    with np.errstate(invalid="ignore"):
        return np.where(z >= 0, values > _recent_extreme(values, span, True),
                        values < _recent_extreme(values, span, False))


def confirmed_jumps(values: np.ndarray, found: dict, cfg: ContinuousSettings,
                    cycle: float) -> np.ndarray:
    """The seasonal z (K × S × T) with the one-bucket window's z kept only where the bucket sets
    a new extreme over the previous `jump_cycles` cycles of buckets (`beyond_recent_range`, on
    its z's side), either in value or in its excess over its phase's expected value, NaN
    elsewhere. On heavy-tailed series (counts per 5 minutes) a one-bucket burst can lie many sd
    above a quiet phase's mean and still be no higher, and no further above its expected value,
    than the series went in the last days: ordinary, not news (NAB: most false detections were
    such bursts). The excess keeps a weekly season's quiet weekday from having to outgrow the
    busy weekend's values. The 3- and 10-bucket windows are not tested."""
    z = found["z"]
    span = cfg.jump_span(cycle)
    ones = [k for k, w in enumerate(cfg.windows) if int(w) == 1]
    if not span or not ones:
        return z
    z = z.copy()
    for k in ones:
        excess = values - found["expected"][k]
        new = beyond_recent_range(values, z[k], span) | beyond_recent_range(excess, z[k], span)
        z[k] = np.where(new, z[k], np.nan)
    return z


def decide(values: np.ndarray, found: dict, settings: ContinuousSettings) -> dict[str, np.ndarray]:
    """p-values, scores and flags of `values` (S × T) from their `seasonal_z`."""
    cfg = settings
    values = np.asarray(values, dtype=float)
    cycle = float(np.max(found["cycle"])) if "cycle" in found else 1.0
    z = confirmed_jumps(values, found, cfg, cycle)
    signed = {"up": z, "down": -z, "both": np.abs(z)}[cfg.direction]
    dof = np.maximum(found["n_eff"] - 1.0, MIN_PHASE_SEEN - 1.0)
    # the t tail where it can matter (normal tail < 1 %); elsewhere the normal tail, which the t
    # tail only widens (the t's incomplete beta is most of a pass over every bucket)
    p_streams = np.where(np.isnan(signed), 1.0, special.ndtr(-np.nan_to_num(signed)))
    small = p_streams < 0.01
    p_streams[small] = special.stdtr(dof[small], -signed[small])
    seen = np.cumsum(~np.isnan(values), axis=1) - 1
    warm = seen >= cfg.warmup
    p_tail = np.where(warm, p_streams.min(axis=0), 1.0)
    strongest = np.where(np.isnan(signed), -np.inf, signed)
    key = np.where(warm, np.max(strongest, axis=0), -np.inf)
    # the side of the bucket's strongest window: +1 above its expected value, -1 below it
    side = np.sign(np.nan_to_num(np.take_along_axis(z, strongest.argmax(axis=0)[None], 0)[0]))
    alerting = first_alerts(key, cfg.gap(cycle))
    # a record among n exchangeable earlier buckets has probability 1 / (n + 1): a young series
    # sets records often, so a record counts only once that chance is at most record_chance,
    # and where its tail is at most record_alpha
    span = np.clip(seen, 0, cfg.record_span(cycle))
    record_side = records(values, cfg, cfg.record_span(cycle))
    record = ((record_side != 0) & (1.0 / (span + 1.0) <= cfg.record_chance)
              & (p_tail <= cfg.record_alpha))
    side = np.where(record, record_side, side)
    p_value = np.where(record, np.minimum(p_tail, min(RECORD_P, cfg.alpha)), p_tail)
    flags = (alerting & (p_tail <= cfg.alpha)) | record
    p_alert = np.where(alerting | record, p_value, 1.0)
    with np.errstate(divide="ignore"):
        score = np.clip(-np.log10(np.fmax(p_alert, 1e-300)) / cfg.score_scale, 0.0, 1.0)
    expected, sd = found["expected"][0], found["sd"][0]
    half = special.ndtri(BAND_Q) * sd      # the charts' band, as the count model's (model.band)
    missing = np.isnan(values)
    return {"expected": expected, "band_low": expected - half, "band_high": expected + half,
            "p_value": np.where(missing, np.nan, p_value),
            "score": np.where(missing, 0.0, score), "is_anomaly": flags & ~missing,
            "alert_p": np.where(missing, 1.0, p_alert),
            "side": np.where(flags & ~missing, side, 0).astype(np.int8)}


def score_continuous(values: np.ndarray, *, phases: np.ndarray | None = None,
                     cycle: int | None = None,
                     settings: ContinuousSettings = ContinuousSettings()) -> dict[str, np.ndarray]:
    """Score a (series × time) matrix of continuous values (NaN: no value that bucket).

    `phases`: integer season phase per bucket, shape (T,) or (S, T) (weekday for days, hour of
    day below a day); `cycle`: buckets in one season cycle (default: the phase count, e.g. 7 for
    daily weekday phases; 288 for 5-minute buckets by hour of day).
    Returns arrays of the input's shape: expected, band_low, band_high, p_value (the bucket's
    smallest tail over the windows and the record test), score (-log10 of the p-value of an
    alerting bucket / score_scale, else 0), is_anomaly (p_value <= alpha on an alerting
    bucket, or a record), alert_p (the p-value where the bucket alerts, else 1) and side (+1
    where a flag lies above its expected value, -1 below it, 0 where no flag).
    """
    found = seasonal_z(values, phases=phases, cycle=cycle, settings=settings)
    return decide(values, found, settings)


def log_values(values: np.ndarray) -> np.ndarray:
    """log1p of a positive quantity (a duration in seconds), negatives read as 0: the scale its
    falls are scored on (`score_positive`)."""
    return np.log1p(np.maximum(np.asarray(values, dtype=float), 0.0))


def falls_settings(settings: ContinuousSettings) -> ContinuousSettings:
    """The settings a positive quantity's falls are scored with, on `log_values`: direction
    down, the sd floor LOG_SD_FLOOR in log units (1 % of the value) instead of min_rel_sd."""
    return replace(settings, direction="down", min_rel_sd=0.0, min_sd=LOG_SD_FLOOR)


def join_sides(rises: dict, falls: dict) -> dict[str, np.ndarray]:
    """One result from a positive quantity's rises (scored on its values, `score_continuous`'s
    keys) and falls (scored on log_values, expected and band already back in the values' unit):
    flagged where either is, side -1 where the fall is the flag (or the stronger of two), the
    smaller p-values; expected and band are the rises' (the values' own)."""
    up, down = rises["is_anomaly"], falls["is_anomaly"]
    fall = down & (~up | (falls["alert_p"] < rises["alert_p"]))
    joined = dict(rises)
    for key in ("p_value", "alert_p"):
        joined[key] = np.fmin(rises[key], falls[key])
    joined["score"] = np.maximum(rises["score"], falls["score"])
    joined["is_anomaly"] = up | down
    joined["side"] = np.where(fall, -1, rises["side"]).astype(np.int8)
    return joined


def in_values(falls: dict) -> dict[str, np.ndarray]:
    """A result scored on log_values with its expected value and band back in the values' unit."""
    return falls | {key: np.expm1(falls[key]) for key in ("expected", "band_low", "band_high")}


def score_positive(values: np.ndarray, *, phases: np.ndarray | None = None, cycle=None,
                   settings: ContinuousSettings = ContinuousSettings()) -> dict[str, np.ndarray]:
    """Score a positive quantity (a duration: the median first response) on the side(s) of
    `settings.direction`: rises on the values, as `score_continuous`; falls on their log1p
    (`falls_settings`). A duration's day-to-day noise is multiplicative: on the values a fall can
    never lie more than mean ÷ sd below the expected (7-10 sd at a daily noise of 10-15 %, short
    of alpha 1e-8 under the t tail), so a collapse to 0 s would never alert; on the log scale a
    fall to a third is as far as a rise to three times, and 0 s is far below. Same keys as
    `score_continuous`, in the values' unit."""
    values = np.asarray(values, dtype=float)
    if settings.direction == "up":
        return score_continuous(values, phases=phases, cycle=cycle, settings=settings)
    falls = in_values(score_continuous(log_values(values), phases=phases, cycle=cycle,
                                       settings=falls_settings(settings)))
    if settings.direction == "down":
        return falls
    rises = score_continuous(values, phases=phases, cycle=cycle,
                             settings=replace(settings, direction="up"))
    return join_sides(rises, falls)
