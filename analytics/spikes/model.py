"""The numeric core of spike detection: a causal, seasonal count model over a (series × time) matrix.

Every series is scored at once: one pass over time, numpy over the series axis, so thousands of
segments cost about what one does. At bucket t the expected value uses only buckets before t:
  expected = level × seasonal factor of t's phase (weekday, or weekday × hour for hourly data),
where level and factors are exponentially weighted means that skip holidays and earlier flagged
buckets (so an incident never becomes its own baseline) and that see each value clipped to its
band first (a Huber-style robust update: one wild bucket moves them by a bounded step). The
level's weight is the steady gain of a local-level Kalman filter (`level_drift`): a busy series
with little noise follows drift within days, a noisy one averages over weeks.

The p-value is a predictive one (issue #15 point 5): variance = mu + alpha × mu^variance_power,
alpha learnt by a weighted method of moments from one-step-ahead residuals (clipped at 3 sd and
rescaled by the clipped share of a gamma of the model's skewness, each discounted by the
estimation error it carries); the predictive variance adds the level's
and the phase factor's estimation error back (an exponentially weighted mean of weight w has
w / (2 − w) of one value's variance), and the tail is read on a Student t whose degrees of
freedom are those of the spread's estimate (2 n_eff / (2 + excess kurtosis)): a spread learnt
from a few weeks of a noisy series is uncertain, and a plug-in tail made its p-values 3–59×
too small (docs/spikes.md, "Sensitivity against an oracle"). Floors (`min_expected`,
`min_dispersion`) keep all-zero and constant series from flooding (a Poisson floor, never a
zero scale). A bucket is anomalous at p <= alpha with volume and ratio floors, or (`pairs`)
when it and the bucket before, both above expected and the first unflagged, are together at
p <= alpha: a surge whose days are each short of alpha is reported by its second bucket. With
`parents` (`shared_rise`) the up tests read a segment against the rise its parents' rest shares
that bucket beyond its ordinary noise: a day shock of a whole category or market is the
parent's event, not one per member (`_State._shared_ratio`). The
old "big spike" rule (a doubling by `big_excess` at the looser `big_alpha`) is off by default:
on noisy data it raised most false events.
`family="gaussian"` swaps in a normal model for continuous values, with a relative scale floor
(the KPI median first response used it until #15 point 7; it now has a detector of its own,
analytics/spikes/continuous.py; `bench/nab.py --detector gaussian` still scores this one).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy import special, stats

DIRECTIONS = ("up", "down", "both")
FAMILIES = ("negbin", "gaussian")
PRIOR_BUCKETS = 1
PRIOR_CASES = 10         # a busy series needs less of the prior: its weight is at most this / level
MOMENT_POWER = 1.5       # the dispersion weighs each bucket's residual by expected^this
SPREAD_START = 0.5       # of the warm-up: when the spread starts learning (dof at the first score)
SPREAD_CLIP = 3.0        # sd: residuals beyond it teach the spread no more than this
SHOCK_COLLINEAR = 1e-4   # shock_variance: below this 1 − cos² of its two terms, alpha alone
SHARED_PRIOR = 5.0       # shared_rise: buckets of prior (no co-movement) behind each slope
SHARED_NOISE_Z = 2.0     # shared_rise: a parent's rest within this many sd moves nothing
# E[min(z², c²)] for a standard normal z: rescales the clipped residuals to an unbiased variance
def consistency(c: float) -> float:
    return float((2 * special.ndtr(c) - 1) - 2 * c * np.exp(-c**2 / 2) / np.sqrt(2 * np.pi)
                 + c**2 * 2 * special.ndtr(-c))


SPREAD_CONSISTENCY = consistency(SPREAD_CLIP)


def gamma_consistency(skew: np.ndarray, c: float = SPREAD_CLIP) -> np.ndarray:
    """E[min(z², c²)] for z a standardised gamma of skewness `skew` (> 0): what `consistency`
    is for a right-skewed count. A skewed count (a negative binomial with shocks) never falls
    c sd below its mean and passes c sd above it far more often than a normal one (1.1 % vs
    0.13 % at 3 sd for a count of 100 under three shared gamma shocks), so the normal factor
    (0.995 at 3 sd) under-read its variance by ~5 % (0.965 at skewness 0.8, 0.85 at 2)."""
    k = 4.0 / np.asarray(skew, float) ** 2
    root = np.sqrt(k)
    lo, hi = np.maximum(k - c * root, 0.0), k + c * root

    def part(j):  # E[G^j; lo < G <= hi] for G ~ gamma(k)
        scale = np.exp(special.gammaln(k + j) - special.gammaln(k))
        return scale * (special.gammainc(k + j, hi) - special.gammainc(k + j, lo))

    inside = (part(2) - 2 * k * part(1) + k * k * part(0)) / k
    return inside + c * c * (1.0 - (special.gammainc(k, hi) - special.gammainc(k, lo)))


# the factor by the model's skewness, interpolated (skewness 0: the normal's)
SKEW_GRID = np.concatenate([[0.0], np.geomspace(0.05, 20.0, 64)])
SKEW_CONSISTENCY = np.concatenate([[SPREAD_CONSISTENCY], gamma_consistency(SKEW_GRID[1:])])


@dataclass(frozen=True, kw_only=True)
class SpikeSettings:
    """Tuning knobs; docs/spikes.md explains each. Buckets are days or hours, as scored."""
    direction: str = "up"          # up | down | both
    alpha: float = 5e-5            # a bucket is anomalous when its p-value is at most this ...
    min_count: float = 10          # ... and it holds at least this many cases (up) ...
    min_ratio: float = 1.5         # ... and observed >= min_ratio × expected (down: <= expected / it)
    big_alpha: float = 0.0         # up: a bucket of >= big_ratio × expected and >= big_excess
    big_ratio: float = 2.0         #     cases over it is anomalous at this looser p-value
    big_excess: float = 20
    halflife: float = 14           # buckets: how fast the level follows the data (level_drift 0)
    level_drift: float = 0.005     # relative sd of the level's day-to-day random walk (0: halflife)
    season_halflife: float = 16    # cycles: how fast each phase's factor follows the data
    dispersion_halflife: float = 84
    warmup: int = 28               # covered buckets scored 0 at the start of a series (learning)
    relearn_after: int = 7         # a run of flags this long is a new level: learn from it again
    cooldown: int = 2              # flags at most this many buckets apart form one event
    clip_sd: float = 3.0           # robust update: values are clipped to expected ± clip_sd × sd
    min_expected: float = 0.5      # mean floor: an all-zero history still has a Poisson tail
    min_dispersion: float = 0.02   # alpha floor: a constant series still has a Poisson tail
    variance_power: float = 1.0    # variance = mu + alpha × mu^this (2: a gamma-Poisson's) ...
    shock_variance: bool = False   # ... + b × mu², b learnt beside alpha (measured, not the default)
    spread_skew: bool = True       # the clipped residuals' consistency for the count's skewness (false: a normal's)
    max_dispersion: float = 2.0    # ceiling of (variance − mu) / mu² (a CV of 141 %)
    family: str = "negbin"         # negbin (counts) | gaussian (continuous values)
    min_rel_sd: float = 0.01       # gaussian: sd floor relative to |level|
    score_scale: float = 10.0      # score = min(1, -log10(p) / score_scale)
    df_scale: float = 1.0          # the tail's degrees of freedom × this (0: a plug-in tail)
    pairs: bool = True             # up: also test a bucket summed with the one before
    pair_correlation: bool = False  # ... its variance with the learnt lag-1 residual correlation (hourly: on)
    shared_rise: bool = True       # up: a rise the rest of a parent shares that bucket is the parent's, not the segment's

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}, not {self.family!r}")
        if not 0 < self.alpha < 1 or self.min_ratio < 1 or self.halflife <= 0:
            raise ValueError("need 0 < alpha < 1, min_ratio >= 1 and halflife > 0")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _weight(halflife: float) -> float:
    return 1.0 - 0.5 ** (1.0 / halflife)


def tail_p(y, mu, var, cfg: SpikeSettings, upper: bool) -> np.ndarray:
    """P(Y >= y) (upper) or P(Y <= y) under the model with mean mu and variance var."""
    if cfg.family == "gaussian":
        z = (y - mu) / np.sqrt(var)
        return special.ndtr(-z if upper else z)
    a = np.maximum((var - mu) / mu**2, 1e-9)
    n = 1.0 / a
    prob = n / (n + mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        if upper:  # P(Y >= y) = I_{1-p}(y, n); y = 0 is certain
            out = np.where(y <= 0, 1.0, special.betainc(np.maximum(y, 1e-9), n, 1.0 - prob))
        else:      # P(Y <= y) = I_p(n, y + 1)
            out = special.betainc(n, np.maximum(y, 0) + 1.0, prob)
    return np.nan_to_num(out, nan=1.0)


def _tail_beyond(y, mu, var, cfg: SpikeSettings, upper: bool, df=None) -> np.ndarray:
    """tail_p where y lies beyond the mean on that side, else 1: the tail there is >= ~0.4 and
    no flag, and skipping it halves the cost (the incomplete beta is most of a pass). With `df`
    (per series) the tail is read on a Student t of those degrees of freedom: the model's tail
    as a normal z, that z's t tail (the spread is an estimate; see `_State.predictive`)."""
    side = y > mu if upper else y < mu
    out = np.ones_like(mu)
    if side.any():
        p = tail_p(y[side], mu[side], var[side], cfg, upper)
        if df is not None:
            p = np.where(p < 0.5, special.stdtr(df[side], special.ndtri(np.fmax(p, 1e-300))), p)
        out[side] = p
    return out


def band(mu: np.ndarray, var: np.ndarray, cfg: SpikeSettings, q: float = 0.99):
    """Band around the expected values: mean ± the normal quantile q × sd (counts floored at
    0). An approximation of the model's quantiles, cheap enough for every bucket of every
    segment (exact NB quantiles over 1.5M buckets took 2.3 s)."""
    half = stats.norm.ppf(q) * np.sqrt(var)
    low = mu - half
    return (low if cfg.family == "gaussian" else np.maximum(low, 0.0)), mu + half


def score_matrix(values: np.ndarray, *, phases: np.ndarray | None = None,
                 holidays: np.ndarray | None = None, fresh_starts: np.ndarray | None = None,
                 parents: np.ndarray | None = None,
                 settings: SpikeSettings = SpikeSettings()) -> dict[str, np.ndarray]:
    """Score a (series × time) matrix; NaN marks a bucket a series does not have (a day no
    export covers: analytics/coverage.py).

    `phases`: integer season phase per bucket, shape (T,) or (S, T); `holidays`: boolean (S, T);
    `fresh_starts`: boolean (T,), buckets where every series forgets its history and warms up
    again (the first bucket after a long uncovered gap); `parents`: integer (S, K), the rows
    of each series' parents (a segment with one of its fixed keys set to "all"), -1 for none
    (`shared_rise`).
    Returns arrays of the input's shape: expected, variance, p_value, score, is_anomaly.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values must be a (series × time) matrix, got shape {values.shape}")
    n_series, n_time = values.shape
    phases = np.zeros(n_time, dtype=np.int64) if phases is None else np.asarray(phases)
    phases = np.broadcast_to(phases, values.shape).astype(np.int64)
    holidays = (np.zeros(values.shape, bool) if holidays is None
                else np.broadcast_to(np.asarray(holidays, bool), values.shape))
    state = _State(n_series, int(phases.max(initial=0)) + 1, settings, parents)
    out = {k: np.full(values.shape, np.nan) for k in ("expected", "variance", "p_value")}
    flags = np.zeros(values.shape, bool)
    fresh_starts = np.zeros(n_time, bool) if fresh_starts is None else np.asarray(fresh_starts, bool)
    for t in range(n_time):
        if fresh_starts[t]:
            state = _State(n_series, state.factor.shape[1], settings, parents)
        mu, var, p, flag = state.step(values[:, t], phases[:, t], holidays[:, t])
        out["expected"][:, t], out["variance"][:, t], out["p_value"][:, t] = mu, var, p
        flags[:, t] = flag
    out["p_value"] = np.where(np.isnan(values), np.nan, out["p_value"])
    with np.errstate(divide="ignore"):
        out["score"] = np.clip(-np.log10(np.fmax(out["p_value"], 1e-300)) / settings.score_scale,
                               0.0, 1.0)
    out["score"] = np.where(np.isnan(out["score"]), 0.0, out["score"])
    out["is_anomaly"] = flags
    return out


class _State:
    """Per-series running estimates, updated one bucket at a time for all series at once."""

    def __init__(self, n_series: int, n_phases: int, cfg: SpikeSettings,
                 parents: np.ndarray | None = None):
        self.cfg = cfg
        self.parents = None if parents is None or not cfg.shared_rise else np.asarray(parents, int).reshape(n_series, -1)
        if self.parents is not None:
            # per (series, parent): exponentially weighted means of z·z_rest and z_rest² (their
            # ratio is the slope of the series' residual on its parent's rest's), buckets seen
            shape = self.parents.shape
            self.co_sums = np.stack([np.zeros(shape), np.ones(shape)])
            self.co_seen = np.zeros(shape)
            self.rest_z = np.full(shape, np.nan)
        self.rows = np.arange(n_series)
        self.level = np.full(n_series, np.nan)
        self.factor = np.ones((n_series, n_phases))
        self.phase_seen = np.zeros((n_series, n_phases))
        self.spread = np.full(n_series, np.nan)   # NB alpha, or gaussian variance
        self.shock = np.zeros(n_series)           # NB: b of the variance's b × mu² term
        self.moment_sums = np.full((2, n_series), np.nan)  # NB: weighted sums behind alpha
        # NB with shock_variance: the weighted least-squares sums behind (alpha, b):
        # Σ w x1², Σ w x1 x2, Σ w x2², Σ w x1 e, Σ w x2 e (x1 = mu^variance_power, x2 = mu²)
        self.shock_sums = np.full((5, n_series), np.nan)
        self.sq_weights = np.full(n_series, np.nan)        # Σ weights² behind the spread
        self.before = None   # the previous bucket's (value, expected, variance, testable)
        # lag-1 correlation of the standardised residuals (the pair test's covariance): hours of
        # one day share its shocks, so two consecutive buckets are not independent draws
        self.rho = np.zeros(n_series)
        self.rho_seen = np.zeros(n_series)
        self.prev_z = np.full(n_series, np.nan)
        self.spread_weights = np.full(n_series, np.nan)    # gaussian: Σ weights
        self.seen = np.zeros(n_series)
        self.run = np.zeros(n_series)
        self.w_level, self.w_spread = _weight(cfg.halflife), _weight(cfg.dispersion_halflife)
        self.w_season = _weight(cfg.season_halflife)

    def n_eff(self):
        """Effective number of residuals behind the spread: (Σ weights)² / Σ weights²."""
        den = self.moment_sums[1] if self.cfg.family == "negbin" else self.spread_weights
        sq = np.where(np.isnan(self.sq_weights), den**2, self.sq_weights)
        return np.where(np.isnan(den), 1.0, den**2 / np.maximum(sq, 1e-300))

    def _alpha(self):
        cfg = self.cfg
        return np.maximum(np.nan_to_num(self.spread, nan=cfg.min_dispersion), cfg.min_dispersion)

    def level_weight(self):
        """The level's weight for the next value: 1 / (buckets seen + 1) at first, then the
        steady Kalman gain of a local level whose relative random walk has sd `level_drift`
        against a relative noise variance r = 1 / level + alpha (a busy, quiet-noised series
        follows drift fast, a noisy one averages longer); with level_drift 0, the halflife's."""
        cfg = self.cfg
        if not cfg.level_drift or cfg.family != "negbin":
            gain = self.w_level
        else:
            level = np.maximum(np.nan_to_num(self.level, nan=cfg.min_expected), cfg.min_expected)
            r = 1.0 / level + np.minimum(self._alpha() * level ** (cfg.variance_power - 2)
                                         + self.shock, cfg.max_dispersion)
            q = cfg.level_drift ** 2
            prior = (q + np.sqrt(q * q + 4 * q * r)) / 2
            gain = prior / (prior + r)
        return np.maximum(1.0 / (self.seen + 1), gain)

    def predictive(self, mu, var, phase):
        """(variance, degrees of freedom) of the predictive distribution: the model's variance
        widened by the estimation error of the level and of the phase's factor (an exponentially
        weighted mean with weight w has w / (2 − w) of one value's variance), and the dof of the
        spread's estimate, 2·n_eff / (2 + excess kurtosis): a spread learnt from few or
        heavy-tailed residuals is uncertain, and the tail must say so."""
        cfg = self.cfg
        w_level = self.level_weight()
        seen_phase = self.phase_seen[self.rows, phase]
        w_factor = np.maximum(1.0 / (seen_phase + 1 + self._prior_weight()), self.w_season)
        widened = var * (1.0 + w_level / (2 - w_level) + w_factor / (2 - w_factor))
        if cfg.family == "negbin":
            # a negative binomial's excess kurtosis, 6 (var − mu) / mu² + 1 / var
            kurtosis = 6 * (var - mu) / np.maximum(mu, 1e-9) ** 2 + 1 / np.maximum(var, 1e-9)
        else:
            kurtosis = 0.0
        return widened, np.maximum(cfg.df_scale * 2 * self.n_eff() / (2 + kurtosis), 1.0)

    def moments(self, factor):
        cfg, level = self.cfg, np.nan_to_num(self.level)
        if cfg.family == "gaussian":
            mu = level + (factor - 1.0)  # additive season: continuous values may be <= 0
            floor = (cfg.min_rel_sd * np.maximum(np.abs(level), 1e-9)) ** 2
            return mu, np.maximum(np.nan_to_num(self.spread, nan=floor), floor)
        mu = np.maximum(level * factor, cfg.min_expected)
        return mu, mu + np.minimum(self._alpha() * mu**cfg.variance_power + self.shock * mu**2,
                                   cfg.max_dispersion * mu**2)

    def _prior_weight(self):
        """Weight (in buckets) of the seasonal prior factor 1: PRIOR_BUCKETS for a quiet series,
        less for a busy one, whose few first weekends already say where its weekend factor is
        (a fixed weight kept the ServiceNow sample's weekends at twice their level for weeks)."""
        level = np.maximum(np.nan_to_num(self.level, nan=0.0), self.cfg.min_expected)
        return np.minimum(PRIOR_BUCKETS, PRIOR_CASES / level)

    def step(self, y, phase, holiday):
        cfg = self.cfg
        mu, model_var = self.moments(self.factor[self.rows, phase])
        var, df = self.predictive(mu, model_var, phase) if cfg.df_scale else (model_var, None)
        valid = ~np.isnan(y)
        yv = np.where(valid, y, 0.0)
        # shared_rise: the up tests read the bucket against the expected value × the rise the
        # rest of its parent shows that bucket (a day shock shared by a market's or category's
        # cases is the parent's, tested there); ratio floors stay on the segment's own expected
        shared = self._shared_ratio(yv, mu, var, valid) if cfg.direction != "down" else 1.0
        p_up = _tail_beyond(yv, mu * shared, var * shared, cfg, True, df) if cfg.direction != "down" else np.ones_like(mu)
        p_down = _tail_beyond(yv, mu, var, cfg, False, df) if cfg.direction != "up" else np.ones_like(mu)
        up = (p_up <= cfg.alpha) & (yv >= cfg.min_count) & (yv - mu >= (cfg.min_ratio - 1) * np.abs(mu))
        # a doubling by at least big_excess cases needs only the looser big_alpha: on a noisy
        # segment (daily CV ~0.35) a 2x day is a 1e-3 event, not a 1e-4 one, and still news
        up |= ((p_up <= cfg.big_alpha) & (yv >= cfg.big_ratio * mu)
               & (yv - mu >= cfg.big_excess) & (yv >= cfg.min_count))
        if cfg.pairs and cfg.direction != "down" and self.before is not None:
            p_pair, pair = self._pair(yv, mu, var, shared, df, valid & ~holiday)
            up |= pair
            p_up = np.minimum(p_up, p_pair)
        down = (p_down <= cfg.alpha) & (mu >= cfg.min_count) & (np.abs(mu) - yv >= (1 - 1 / cfg.min_ratio) * np.abs(mu)) & ~holiday
        p = {"up": p_up, "down": p_down, "both": np.minimum(p_up, p_down)}[cfg.direction]
        flag = {"up": up, "down": down, "both": up | down}[cfg.direction]
        flag &= valid & (self.seen >= cfg.warmup)
        p = np.where(self.seen >= cfg.warmup, p, 1.0)
        learn = valid & ~holiday & (~flag | (self.run >= cfg.relearn_after))
        self.before = (yv, mu, var, shared, valid & ~holiday & ~flag & (self.seen >= cfg.warmup))
        if cfg.pair_correlation:
            self._learn_rho(np.where(learn & ~flag, (yv - mu) / np.sqrt(var), np.nan))
        if self.parents is not None:
            self._learn_shared(np.where(learn & ~flag & (self.seen >= max(3, int(cfg.warmup * SPREAD_START))),
                                        (yv - mu) / np.sqrt(var), np.nan), flag)
        self._learn(np.where(learn, yv, np.nan), phase, mu, model_var, var / model_var)
        self.run = np.where(flag, self.run + 1, 0)
        return mu, var, p, flag

    def _learn_rho(self, z):
        """Learn the lag-1 correlation from this bucket's standardised residual `z` (NaN: not
        learnt) and the previous one's, clipped at SPREAD_CLIP sd, with the spread's memory."""
        z = np.clip(z, -SPREAD_CLIP, SPREAD_CLIP)
        both = ~np.isnan(z) & ~np.isnan(self.prev_z) & (self.seen >= max(3, int(self.cfg.warmup * SPREAD_START)))
        w = np.maximum(1.0 / (self.rho_seen + 2.0), self.w_spread)   # starts at 0 with one pair's weight
        self.rho = np.where(both, self.rho + w * (np.nan_to_num(z * self.prev_z) - self.rho), self.rho)
        self.rho_seen = self.rho_seen + both
        self.prev_z = z

    def _shared_ratio(self, y, mu, var, valid):
        """Per series, the factor its expected value (and variance) take for the up tests: the
        rise its parents' rest (a parent less this series) predicts for it this bucket, beyond
        that rest's ordinary noise. Shared day shocks (a market's or a category's cases all up
        on a news day or an outage) lift every member: read alone, each member's count has a far
        heavier tail than its own noise (a product of gammas), and on such days leaves rose 3–4×
        their expected and raised most false events (bench/sensitivity_shown.py, round 9). So
        the series' expected value moves up by slope × (z_rest − SHARED_NOISE_Z) of its own sd,
        z_rest the rest's standardised residual and slope that of the series' residual on it
        (`_learn_shared`; the largest over its parents, never down): a rest within
        SHARED_NOISE_Z sd of its expected value moves nothing (ordinary co-movement is already in
        the series' variance), an incident in one segment leaves its parents' rest where it was,
        a segment that does not move with its parents learns a slope of ~0, and the parent's own
        test still sees the shared rise."""
        if self.parents is None:
            return 1.0
        has = self.parents >= 0
        rows = np.where(has, self.parents, 0)
        rest_mu = mu[rows] - mu[:, None]
        rest_sd = np.sqrt(np.maximum(var[rows] - var[:, None], np.maximum(rest_mu, 1e-9)))
        ok = has & valid[rows] & valid[:, None] & (rest_mu > 0)
        z_rest = np.where(ok, (y[rows] - y[:, None] - rest_mu) / rest_sd, np.nan)
        self.rest_z = np.clip(z_rest, -SPREAD_CLIP, SPREAD_CLIP)
        slope = np.clip(self.co_sums[0] / self.co_sums[1], 0.0, 1.0)
        lift = np.nan_to_num(slope * np.maximum(z_rest - SHARED_NOISE_Z, 0.0)).max(axis=1, initial=0.0)
        return (mu + lift * np.sqrt(var)) / mu

    def _learn_shared(self, z, flag):
        """Learn each (series, parent) slope of the series' standardised residual `z` (NaN: not
        learnt) on its parent's rest's (`rest_z`, set by `_shared_ratio`), both clipped at
        SPREAD_CLIP sd, with the spread's memory and SHARED_PRIOR buckets of no co-movement to
        start from; a bucket whose parent is flagged (an incident) teaches nothing."""
        rows = np.where(self.parents >= 0, self.parents, 0)
        both = ~np.isnan(z)[:, None] & ~np.isnan(self.rest_z) & ~flag[rows]
        w = np.maximum(1.0 / (self.co_seen + 1.0 + SHARED_PRIOR), self.w_spread)
        zz = np.clip(z, -SPREAD_CLIP, SPREAD_CLIP)[:, None]
        new = np.stack([np.nan_to_num(zz * self.rest_z), np.nan_to_num(self.rest_z**2)])
        self.co_sums = np.where(both, self.co_sums + w * (new - self.co_sums), self.co_sums)
        self.co_seen = self.co_seen + both

    def _pair(self, y, mu, var, shared, df, ok):
        """(p-value, flag) of this bucket summed with the one before, where both lie above their
        expected values and the one before was scored, unflagged: a surge's first two buckets,
        each short of alpha alone, are one test (reported by its second bucket). The two
        predictive errors are correlated: at least by the level's shared estimation error
        (w / (2 − w)), and with `pair_correlation` (the hourly default) by the learnt lag-1
        correlation of the residuals where it is larger: the hours of one day share the day's
        shocks (round 7, bench/sensitivity_shown.py)."""
        cfg, (y0, mu0, var0, shared0, ok0) = self.cfg, self.before
        w = self.level_weight()
        total, expected = y0 + y, mu0 + mu
        corr = np.clip(np.maximum(self.rho, w / (2 - w)), 0.0, 1.0) if cfg.pair_correlation else w / (2 - w)
        # (shared_rise: each bucket against its expected value × its parents' rest's rise)
        var0, var = var0 * shared0, var * shared
        spread = var0 + var + 2 * np.sqrt(var0 * var) * corr
        test = ok & ok0 & (y > mu) & (y0 > mu0)
        p = _tail_beyond(np.where(test, total, 0.0), mu0 * shared0 + mu * shared, spread, cfg, True, df)
        flag = test & (p <= cfg.alpha) & (total >= cfg.min_count) \
            & (total - expected >= (cfg.min_ratio - 1) * np.abs(expected))
        return np.where(test, p, 1.0), flag

    def _learn_shock(self, excess, mu, var, learn, ws):
        """Learn the two-term variance, var − mu = alpha × x1 + b × x2 (x1 = mu^variance_power,
        x2 = mu²), from the same clipped residuals as alpha alone: exponentially weighted least
        squares of `excess` ((y − mu)² − mu) on x1 and x2, each bucket weighed by
        mu^(MOMENT_POWER − 2 variance_power): with b = 0 this is exactly the one-term estimate. A count
        whose extra variance is its own (each case's) grows like mu; a day shock shared by all of
        a segment's cases (a parent's: a news day, an outage) multiplies the whole count, and its
        variance grows like mu². With one term read off the busy weekdays, a shock-dominated
        segment had its quiet weekend's variance over-read and its weekdays' under-read. The
        weekly season (and drift) moves mu enough to tell the two apart; where it does not (the
        weighted x1 and x2 nearly collinear, or a solution outside alpha >= min_dispersion and
        b >= 0), the fit falls back to the nearest admissible one: b = 0 (alpha alone, as
        before) or alpha at its floor. Measured in round 8 (docs/spikes.md): per series the two
        terms trade off (busy markets of bench/sensitivity_shown.py fell back to b = 0 at most
        times), and the false events rose; so it is a knob, off by default."""
        cfg = self.cfg
        x1, x2 = mu**cfg.variance_power, mu**2
        weight = mu**(MOMENT_POWER - 2 * cfg.variance_power)   # (alpha alone: the weights above)
        new = np.stack([weight * x1 * x1, weight * x1 * x2, weight * x2 * x2,
                        weight * x1 * excess, weight * x2 * excess])
        prior = np.stack([weight * x1 * x1, weight * x1 * x2, weight * x2 * x2,
                          weight * x1 * cfg.min_dispersion * x1, weight * x2 * cfg.min_dispersion * x1])
        sums = np.where(np.isnan(self.shock_sums), prior, self.shock_sums)
        self.shock_sums = np.where(learn, sums + ws * (new - sums), self.shock_sums)
        s11, s12, s22, t1, t2 = np.nan_to_num(self.shock_sums, nan=1.0)
        det = s11 * s22 - s12**2
        ok = det > SHOCK_COLLINEAR * s11 * s22
        safe = np.where(ok, det, 1.0)
        a = (t1 * s22 - t2 * s12) / safe
        b = (s11 * t2 - s12 * t1) / safe
        # outside the admissible set: alpha alone (b = 0), or b with alpha at its floor
        alone = ~ok | (b <= 0)
        floor_a = ~alone & (a < cfg.min_dispersion)
        b = np.where(alone, 0.0, np.where(floor_a, (t2 - cfg.min_dispersion * s12) / s22, b))
        b = np.maximum(b, 0.0)
        a = np.where(alone, t1 / s11, np.where(floor_a, cfg.min_dispersion, a))
        has = ~np.isnan(self.shock_sums[0])
        self.spread = np.where(has, a, self.spread)
        self.shock = np.where(has, b, self.shock)

    def _learn(self, y, phase, mu, var, widening=1.0):
        cfg, ok = self.cfg, ~np.isnan(y)
        fresh = ok & np.isnan(self.level)
        self.level = np.where(fresh, y, self.level)
        sd = np.sqrt(var)
        clipped = np.clip(y, mu - cfg.clip_sd * sd, mu + cfg.clip_sd * sd)
        seen_phase = self.phase_seen[self.rows, phase]
        # nothing to clip against yet: neither a level, nor (the phase's first few buckets, all
        # in the warm-up) a factor — clipping a weekend to a weekday band kept it weeks too high
        settled = (self.seen >= 2) & (seen_phase >= PRIOR_BUCKETS + 1)
        clipped = np.where(fresh | ~settled, y, clipped)
        w = self.level_weight()
        # the factor starts at 1 with the weight of PRIOR_BUCKETS observations: a phase seen
        # twice with low counts should not swing the expected value to 0
        ws = np.maximum(1.0 / (seen_phase + 1 + self._prior_weight()), self.w_season)
        f = self.factor[self.rows, phase]
        if cfg.family == "negbin":
            x = clipped / np.maximum(f, 1e-3)
            ratio = clipped / np.maximum(self.level, cfg.min_expected)
            new_f = f + ws * (np.clip(ratio, 0.0, 10.0) - f)
            # the spread sees residuals clipped at SPREAD_CLIP sd (rescaled to stay unbiased for
            # the model's own skewness, `gamma_consistency`; `spread_skew` false: for normal
            # residuals): one unlisted holiday must not widen the band for weeks
            # (÷ widening: a residual against estimated level and factor holds their error too)
            if cfg.spread_skew:
                # a negative binomial's skewness, (2 − mu / var) sd / mu
                skew = (2.0 - mu / var) * sd / mu
                factor = np.interp(skew, SKEW_GRID, SKEW_CONSISTENCY)
            else:
                factor = SPREAD_CONSISTENCY
            resid = np.clip(y - mu, -SPREAD_CLIP * sd, SPREAD_CLIP * sd) ** 2 / factor / widening
        else:
            x = clipped - (f - 1.0)
            new_f = f + ws * ((clipped - self.level + 1.0) - f)
            obs = (clipped - mu) ** 2 / widening
        self.level = np.where(ok & ~fresh, self.level + w * (x - self.level), self.level)
        self.factor[self.rows, phase] = np.where(ok, new_f, f)
        self.phase_seen[self.rows, phase] = seen_phase + ok
        # the spread is learnt only once the level has settled: residuals against the first
        # few buckets' guesses would inflate it for weeks. The negative binomial has a floor to
        # start from; a Gaussian has none, so it starts halfway through the warm-up instead of
        # scoring its first bucket against a single residual
        start = max(3, int(cfg.warmup * SPREAD_START))
        # the NB's starts from its floor with the weight of one bucket, not from one residual
        ws_spread = np.maximum(1.0 / np.maximum(self.seen - start + 2, 1), self.w_spread)
        learn = ok & (self.seen >= start)
        if cfg.family == "negbin":
            # weighted method of moments, alpha = sum w mu^k ((y - mu)^2 - mu) / mu^2 / sum w mu^k:
            # a busy weekday teaches it more than a quiet Sunday whose residual says little
            # (k = 2 is the plain moment ratio; it starved the hourly series' quiet hours)
            weight = mu**MOMENT_POWER
            num = np.where(np.isnan(self.moment_sums[0]), cfg.min_dispersion * weight, self.moment_sums[0])
            den = np.where(np.isnan(self.moment_sums[1]), weight, self.moment_sums[1])
            self.moment_sums = np.where(learn, [num + ws_spread * ((resid - mu) / mu**cfg.variance_power * weight - num),
                                                den + ws_spread * (weight - den)], self.moment_sums)
            sq = np.where(np.isnan(self.sq_weights), weight**2, self.sq_weights)
            self.sq_weights = np.where(learn, (1 - ws_spread)**2 * sq + ws_spread**2 * weight**2,
                                       self.sq_weights)
            self.spread = self.moment_sums[0] / self.moment_sums[1]
            if cfg.shock_variance:
                self._learn_shock(resid - mu, mu, var, learn, ws_spread)
        else:
            fresh_spread = np.isnan(self.spread)
            spread = np.where(fresh_spread, obs, self.spread + ws_spread * (obs - self.spread))
            self.spread = np.where(learn, spread, self.spread)
            # the same weights, normalised: Σ w = 1 after the first residual, Σ w² as n_eff's
            total = np.where(fresh_spread, 1.0, (1 - ws_spread) * np.nan_to_num(self.spread_weights) + ws_spread)
            sq = np.where(fresh_spread, 1.0, (1 - ws_spread)**2 * np.nan_to_num(self.sq_weights) + ws_spread**2)
            self.spread_weights = np.where(learn, total, self.spread_weights)
            self.sq_weights = np.where(learn, sq, self.sq_weights)
        self.seen = self.seen + ok
