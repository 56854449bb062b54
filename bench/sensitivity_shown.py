"""Everything the product shows, against an oracle: every level, daily and hourly grain, with
shocks shared across segments (issue #15 point 5: "a false event is anything the Spikes page,
CLI or alerts would show at default settings, at every level of the hierarchy and at daily and
hourly grain").

    python bench/sensitivity_shown.py [--noise nyc,sn,x3] [--settings default,low,high]
                                      [--markets 16] [--categories 25] [--days 365]
                                      [--hour-days 365] [--parent-logs 3] [--seed 0] [--json PATH]
                                      [--set '{"shock_variance": false}']

bench/sensitivity.py simulates independent leaves: a parent is a sum of independent series, far
quieter than a real one, and there is no hourly grain. Here the same leaves (its `simulate`:
base levels 2-200 a day, weekly season, drift, holidays, noise fitted to the two samples) carry
day shocks shared by every leaf of the log, of a market and of a category (multiplicative,
gamma with mean 1; relative variances in SHOCKS, measured on the two samples: the covariance of
the children's residuals, (Var(parent) − Σ Var(child)) / mean², after weekday means). A leaf's
own negative-binomial ratio is lowered so that its total variance-to-mean ratio stays the fitted
one where the shocks allow (max(fit, 1 + μ × shock variance)). Hourly counts split each leaf's
day multinomially over the market's local hours (a diurnal profile per market); the hourly
segments are the same four levels, summed by local hour as sql/marts/spike_counts_hourly.sql
sums them.

Logs (each a clean one and planted ones; anomalies add Poisson cases on top of the clean counts,
a parent's spread over its leaves in proportion to their expected values):
- daily, leaves: one-day rises and 3-5-day surges in single market × category leaves, sized on
  the leaf's true distribution (+k sd or ×m), never two in one market or category within 7 days;
- daily, parents (`--parent-logs` logs): the same kinds in one market, one category or all
  cases, sized on that segment's distribution, one at a time (7 days apart);
- hourly: one-hour rises and 3-hour surges at every level (leaf, market, category, all), one
  at a time (a day apart).

The product runs as the pages and CLI run: `analytics.spikes.triage.detect_counts` (the
sensitivity setting's knobs, the hourly defaults, events grouped and collapsed across the
hierarchy) on the segment counts. The oracle knows every segment's true mean and variance
(shocks included, unconditional: a shock is noise nobody can forecast) and flags a bucket at
P(Y ≥ y) ≤ p*, p* matched per grain to the product's false events on that grain's clean log.
Found: a flag on one of the anomaly's buckets in its segment or one related to it by
containment (broader or narrower); a surge only by its second bucket and as one event.
Oracle-easy: the oracle finds it with probability ≥ 0.95 from the segment's distributions.
False events a month per 200 daily series = (daily false events a month + hourly false events
a month) × 200 / the number of segments (the hourly series are the same segments).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sensitivity as leaves_bench  # noqa: E402
from sensitivity import (BANDS, DAYS_PER_MONTH, EASY, GAP_DAYS, LEVELS, RISES, SURGES,  # noqa: E402
                         WARMUP_DAYS, Hierarchy, band_of, critical_count, nb_draw, upper_tail)

from analytics import calendars  # noqa: E402
from analytics.spikes import detect as spikes  # noqa: E402
from analytics.spikes import severity, triage  # noqa: E402
from analytics.spikes.model import SpikeSettings  # noqa: E402

# relative variance of the shared day multipliers (all cases, market, category), measured on the
# samples' dense windows (docs/spikes.md, "Everything the product shows"): NYC all 0.0145,
# markets ~0.002 (median), categories 0.055 (median) → all 0.012, market 0.002, category 0.04;
# ServiceNow all 0.068, markets 0.12, categories 0.12 (medians) → 0.05 each level. x3 takes
# ServiceNow's shocks (the harsher), on leaves with variance ≥ 3 × the mean.
SHOCKS = {"nyc": (0.012, 0.002, 0.04), "sn": (0.05, 0.05, 0.05), "x3": (0.05, 0.05, 0.05)}
SETTINGS = {"default": {}, "low": severity.knobs("low"), "high": severity.knobs("high")}
GRAIN_COOLDOWN = {"day": SpikeSettings.cooldown, "hour": spikes.HOURLY_DEFAULTS["cooldown"]}
HOUR_GAP = 24            # hourly anomalies: buckets between two
PARENT_LEVELS = (("market", 0.5), ("category", 0.4), ("all", 0.1))
HOUR_LEVELS = (("leaf", 0.5), ("market", 0.3), ("category", 0.15), ("all", 0.05))


@dataclass
class Log:
    """Segment counts of one grain, clean and planted, and the truth behind them."""
    grain: str
    times: pd.DatetimeIndex
    mean: np.ndarray              # (S, T) true expected value of each segment
    var: np.ndarray               # (S, T) true variance
    clean: np.ndarray             # (S, T)
    planted: list                 # [(name, (S, T) counts, anomalies frame)]
    warm: int                     # first bucket counted (false events, anomalies)

    @property
    def months(self) -> float:
        per_day = 24 if self.grain == "hour" else 1
        return (len(self.times) - self.warm) / per_day / DAYS_PER_MONTH


class Truth:
    """Leaves' expected values and own variances → every segment's mean and variance, shocks
    included (chunked over time: the per-market and per-category sums are S × groups × T)."""

    def __init__(self, hier: Hierarchy, leaf_market: np.ndarray, leaf_category: np.ndarray,
                 shocks: tuple):
        self.hier, self.shocks = hier, shocks
        members = hier.members.astype(float)
        self.by_market = np.stack([members * (leaf_market == m)[None, :]
                                   for m in dict.fromkeys(leaf_market)], axis=1)
        self.by_category = np.stack([members * (leaf_category == c)[None, :]
                                     for c in dict.fromkeys(leaf_category)], axis=1)

    def moments(self, mu: np.ndarray, own_var: np.ndarray, chunk: int = 512):
        a, b, c = self.shocks
        h = self.hier.members.astype(float)
        mean, var = h @ mu, h @ own_var
        for lo in range(0, mu.shape[1], chunk):
            m = mu[:, lo:lo + chunk]
            total = mean[:, lo:lo + chunk]
            sm = np.einsum("sgl,lt->sgt", self.by_market, m)
            sc = np.einsum("sgl,lt->sgt", self.by_category, m)
            sq = h @ (m * m)
            cov = (1 + a) * (total**2 + b * (sm**2).sum(1) + c * (sc**2).sum(1) + b * c * sq) - total**2
            var[:, lo:lo + chunk] += cov
        return mean, np.maximum(var, mean)


@dataclass
class World:
    hier: Hierarchy
    leaf_market: np.ndarray
    leaf_category: np.ndarray
    base: np.ndarray
    day: Log
    hour: Log | None

    @classmethod
    def build(cls, *, n_markets=16, n_categories=25, n_days=365, hour_days=365, noise="nyc",
              seed=0, parent_logs=3) -> "World":
        sim = leaves_bench.simulate(n_markets=n_markets, n_categories=n_categories, n_days=n_days,
                                    noise=noise, seed=seed, plant=False)
        rng = np.random.default_rng(seed + 17)
        hier = Hierarchy.of(sim)
        shocks = SHOCKS[noise]
        k_tot = np.prod([1 + s for s in shocks]) - 1
        mi = pd.factorize(sim.leaf_market)[0]
        ci = pd.factorize(sim.leaf_category)[0]
        draw = lambda s, shape: rng.gamma(1 / s, s, shape) if s > 0 else np.ones(shape)  # noqa: E731
        shock = (draw(shocks[0], (1, n_days)) * draw(shocks[1], (n_markets, n_days))[mi]
                 * draw(shocks[2], (n_categories, n_days))[ci])
        own = np.maximum(1.0, sim.ratio - sim.base * k_tot)[:, None]
        leaf_clean = nb_draw(rng, sim.mean * shock, own)
        truth = Truth(hier, sim.leaf_market, sim.leaf_category, shocks)
        mean, var = truth.moments(sim.mean, own * sim.mean)
        blocked = _holiday_blocks(sim)
        leaf_log = _plant(rng, hier, sim.mean, mean, var, leaf_clean, sim.days, WARMUP_DAYS,
                          kinds=("rise", "surge"), lengths=(1, (3, 6)), levels=(("leaf", 1.0),),
                          gap=GAP_DAYS, blocked=blocked, per_group=True)
        planted = [("day leaves", hier.total(leaf_log[0]), leaf_log[1])]
        for k in range(parent_logs):
            counts, anomalies = _plant(rng, hier, sim.mean, mean, var, leaf_clean, sim.days,
                                       WARMUP_DAYS, kinds=("rise", "surge"), lengths=(1, (3, 6)),
                                       levels=PARENT_LEVELS, gap=GAP_DAYS, blocked=blocked)
            planted.append((f"day parents {k + 1}", hier.total(counts), anomalies))
        day = Log("day", sim.days, mean, var, hier.total(leaf_clean), planted, WARMUP_DAYS)
        hour = None
        if hour_days:
            hour = _hourly(rng, hier, truth, sim, leaf_clean[:, :hour_days], own, mi)
        return cls(hier, sim.leaf_market, sim.leaf_category, sim.base, day, hour)


def _holiday_blocks(sim) -> np.ndarray:
    """(market × day): no leaf or market anomaly on a holiday of the market or next to it."""
    known = calendars.load_calendars()
    markets = list(dict.fromkeys(sim.leaf_market))
    out = np.zeros((len(markets), sim.n_days), bool)
    for m, market in enumerate(markets):
        off = np.isin(sim.days.date, sorted(known[market].holidays))
        off |= sim.days.isin(pd.to_datetime(sim.unlisted_holidays[market]))
        out[m] = off | np.roll(off, 1) | np.roll(off, -1)
    return out


def size_extra(size: str, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Expected extra cases of an anomaly's buckets: +k sd of the segment's distribution, or
    (×m) m − 1 times its mean."""
    if size.startswith("+"):
        return float(size[1:-2]) * np.sqrt(var)
    return (float(size[1:]) - 1.0) * mean


def _plant(rng, hier, leaf_mean, mean, var, leaf_clean, times, warm, *, kinds, lengths, levels,
           gap, blocked=None, per_group=False, bucket_day=None, attempts=20_000):
    """Plant anomalies in a copy of the leaves' counts; returns (leaf counts, anomalies).
    per_group: leaves only, never two in one market or one category within `gap` (as
    bench/sensitivity.py plants); otherwise one anomaly at a time, `gap` buckets apart."""
    counts = leaf_clean.copy()
    n_seg, n_time = mean.shape
    n_leaves = leaf_mean.shape[0]
    first_leaf = n_seg - n_leaves
    level_names = np.array([n for n, _ in levels])
    level_p = np.array([p for _, p in levels])
    by_level = {"leaf": np.arange(first_leaf, n_seg),
                "market": np.flatnonzero(hier.level == LEVELS[1]),
                "category": np.flatnonzero(hier.level == LEVELS[2]),
                "all": np.flatnonzero(hier.level == LEVELS[0])}
    markets = list(dict.fromkeys(m for m in hier.markets if m is not None))
    cats = list(dict.fromkeys(c for c in hier.categories if c is not None))
    busy_m = np.zeros((len(markets), n_time), bool)
    busy_c = np.zeros((len(cats), n_time), bool)
    busy = np.zeros(n_time, bool)
    day_of = bucket_day if bucket_day is not None else np.arange(n_time)
    rows, k = [], 0
    for _ in range(attempts):
        kind = kinds[k % 2]
        length = lengths[0] if kind == kinds[0] else int(rng.integers(*lengths[1]))
        level = level_names[rng.choice(len(levels), p=level_p)]
        seg = int(rng.choice(by_level[level]))
        start = int(rng.integers(warm, n_time - length))
        span = slice(start, start + length)
        guard = slice(max(0, start - gap), start + length + gap)
        m, c = hier.markets[seg], hier.categories[seg]
        mi = markets.index(m) if m is not None else None
        cj = cats.index(c) if c is not None else None
        if per_group:
            if busy_m[mi, span].any() or busy_c[cj, span].any():
                continue
        elif busy[span].any():
            continue
        if blocked is not None and mi is not None and blocked[mi, day_of[span]].any():
            continue
        sizes = RISES if kind == kinds[0] else SURGES
        size = sizes[(k // 2) % len(sizes)]
        extra = size_extra(size, mean[seg, span], var[seg, span])
        leaves = np.flatnonzero(hier.members[seg])
        share = leaf_mean[leaves, span] / np.maximum(leaf_mean[leaves, span].sum(0), 1e-9)
        counts[leaves, span] += rng.poisson(share * extra[None, :])
        if per_group:
            busy_m[mi, guard] = busy_c[cj, guard] = True
        else:
            busy[guard] = True
        rows.append(dict(row=seg, level=level, kind=kind, size=size, start=start, length=length,
                         market=m, abuse_category=c, extra=extra.tolist(),
                         band=band_of(float(mean[seg, warm:].mean() * (24 if bucket_day is not None else 1)))
                         if level == "leaf" else level))
        k += 1
    return counts, pd.DataFrame(rows)


def diurnal(rng, n_markets: int) -> np.ndarray:
    """(market × 24) share of a day's cases in each local hour: quiet nights, an afternoon peak."""
    h = np.arange(24)[None, :]
    peak = 14 + rng.uniform(-2, 2, (n_markets, 1))
    curve = 0.15 + np.exp(-((h - peak) ** 2) / (2 * 4.0**2)) + 0.4 * np.exp(-((h - peak - 6) ** 2) / 8)
    return curve / curve.sum(axis=1, keepdims=True)


def _hourly(rng, hier, truth, sim, leaf_days, own, mi) -> Log:
    n_leaves, n_days = leaf_days.shape
    profile = diurnal(rng, int(mi.max()) + 1)
    leaf_hours = np.empty((n_leaves, n_days, 24))
    for m in range(profile.shape[0]):
        rows = mi == m
        leaf_hours[rows] = rng.multinomial(leaf_days[rows].astype(np.int64), profile[m])
    leaf_hours = leaf_hours.reshape(n_leaves, n_days * 24)
    p = np.repeat(profile[mi], 1, axis=0)                           # (L, 24)
    mu = (sim.mean[:, :n_days, None] * p[:, None, :]).reshape(n_leaves, -1)
    p_t = np.tile(p, (1, n_days))
    own_var = mu * (1 - p_t + p_t * own)                            # given no shock
    mean, var = truth.moments(mu, own_var)
    times = pd.date_range(sim.days[0], periods=n_days * 24, freq="h")
    counts, anomalies = _plant(rng, hier, mu, mean, var, leaf_hours, times, WARMUP_DAYS * 24,
                               kinds=("rise", "surge"), lengths=(1, (3, 4)), levels=HOUR_LEVELS,
                               gap=HOUR_GAP, bucket_day=np.arange(n_days * 24) // 24)
    return Log("hour", times, mean, var, hier.total(leaf_hours),
               [("hour, every level", hier.total(counts), anomalies)], WARMUP_DAYS * 24)


def frame_of(hier: Hierarchy, times: pd.DatetimeIndex, values: np.ndarray) -> pd.DataFrame:
    n_seg, n_time = values.shape
    return pd.DataFrame({"market": np.repeat(hier.markets, n_time),
                         "abuse_category": np.repeat(hier.categories, n_time),
                         "bucket": np.tile(times, n_seg), "cases": values.ravel()})


@dataclass
class Run:
    flags: np.ndarray
    events: pd.DataFrame


def product_run(hier: Hierarchy, log: Log, values: np.ndarray, knobs: dict) -> Run:
    """The pages' and CLI's detection (triage.detect_counts) on these segment counts."""
    scored, events = triage.detect_counts(frame_of(hier, log.times, values), grain=log.grain,
                                          **knobs)
    return Run(scored["is_anomaly"].to_numpy().reshape(values.shape), events)


def oracle_run(hier: Hierarchy, log: Log, values, pvals, p_star: float) -> Run:
    flags = pvals <= p_star
    seg, t = np.nonzero(flags)
    frame = pd.DataFrame({"market": hier.markets[seg], "abuse_category": hier.categories[seg],
                          "bucket": log.times[t], "cases": values[seg, t],
                          "expected": log.mean[seg, t], "p_value": pvals[seg, t],
                          "score": np.minimum(1.0, -np.log10(np.fmax(pvals[seg, t], 1e-300)) / 10),
                          "is_anomaly": True})
    return Run(flags, leaves_bench.grouped_events(frame, GRAIN_COOLDOWN[log.grain], log.grain))


def false_events(run: Run, log: Log) -> dict[str, int]:
    events = run.events
    if not len(events):
        return dict.fromkeys(LEVELS, 0)
    late = pd.to_datetime(events["start"]).to_numpy() >= log.times[log.warm].to_datetime64()
    levels = leaves_bench.event_levels(events)[late]
    return {lv: int((levels == lv).sum()) for lv in LEVELS}


def related_rows(hier: Hierarchy, market, category) -> np.ndarray:
    """Segments broader or narrower than (market, category) (None = every)."""
    mk = np.array([m is None for m in hier.markets]) | (market is None) | (hier.markets == market)
    ct = np.array([c is None for c in hier.categories]) | (category is None) | (hier.categories == category)
    return np.flatnonzero(mk & ct)


def grade(run: Run, hier: Hierarchy, log: Log, anomalies: pd.DataFrame) -> pd.DataFrame:
    ev = run.events
    none = np.array([], "datetime64[ns]")
    ev_start = pd.to_datetime(ev["start"]).to_numpy() if len(ev) else none
    ev_end = pd.to_datetime(ev["end"]).to_numpy() if len(ev) else none
    ev_m = ev["market"].astype(object).where(ev["market"].notna(), None).to_numpy() if len(ev) else np.array([], object)
    ev_c = (ev["abuse_category"].astype(object).where(ev["abuse_category"].notna(), None).to_numpy()
            if len(ev) else np.array([], object))
    out = []
    for a in anomalies.itertuples():
        rows = related_rows(hier, a.market, a.abuse_category)
        span = slice(a.start, a.start + a.length)
        hit = run.flags[rows, span].any(axis=0)
        lo, hi = log.times[a.start].to_datetime64(), log.times[a.start + a.length - 1].to_datetime64()
        m_ok = np.array([x is None for x in ev_m], bool) | (a.market is None) | (ev_m == a.market)
        c_ok = np.array([x is None for x in ev_c], bool) | (a.abuse_category is None) | (ev_c == a.abuse_category)
        inside = m_ok & c_ok & (ev_start <= hi) & (ev_end >= lo) if len(ev) else np.array([], bool)
        n_events = int(inside.sum())
        ok = bool(hit.any()) if a.kind == "rise" else bool(hit[:2].any()) and n_events == 1
        out.append(dict(found=bool(hit.any()), ok=ok, events=n_events))
    return pd.DataFrame(out, index=anomalies.index)


def easiness(log: Log, anomalies: pd.DataFrame, p_star: float) -> np.ndarray:
    """P(the oracle flags the anomaly in its own segment): its bucket (rise) or one of its first
    two (surge); the planted bucket as a negative binomial with the added Poisson cases."""
    out = []
    for a in anomalies.itertuples():
        t = slice(a.start, a.start + min(a.length, 2))
        extra = np.asarray(a.extra)[: min(a.length, 2)]
        mean, var = log.mean[a.row, t], log.var[a.row, t]
        p = upper_tail(critical_count(p_star, mean, var), mean + extra, var + extra)
        out.append(1.0 - np.prod(1.0 - p))
    return np.array(out)


def match_threshold(hier, log: Log, p_clean: np.ndarray, target: int, steps: int = 14) -> float:
    """The largest p* at which the oracle raises at most `target` false events on the clean log."""
    def count(p):
        return sum(false_events(oracle_run(hier, log, log.clean, p_clean, p), log).values())
    p_sorted = np.sort(p_clean[:, log.warm:].ravel())
    lo = np.log10(max(np.nextafter(p_sorted[min(target, len(p_sorted) - 1)], 0), 1e-300))
    hi = np.log10(max(p_sorted[min(3 * target + 30, len(p_sorted) - 1)], 1e-300))
    if count(10**hi) <= target:
        return 10**hi
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if count(10**mid) <= target else (lo, mid)
    return 10**lo


def summarise(g: pd.DataFrame) -> dict:
    def rate(x):
        return None if not len(x) else round(float(np.mean(x)), 3)
    easy, rest = g[g["oracle_p"] >= EASY], g[g["oracle_p"] < EASY]
    o_rest, p_rest = rate(rest["oracle_ok"]), rate(rest["product_ok"])
    return {"n": len(g), "oracle_recall": rate(g["oracle_ok"]), "product_recall": rate(g["product_ok"]),
            "easy_n": len(easy), "product_recall_easy": rate(easy["product_ok"]),
            "rest_n": len(rest), "oracle_recall_rest": o_rest, "product_recall_rest": p_rest,
            "rest_ratio": None if not o_rest or p_rest is None else round(p_rest / o_rest, 3)}


def evaluate(world: World, knobs: dict) -> dict:
    logs = [log for log in (world.day, world.hour) if log is not None]
    n_series = len(world.hier)
    out = {"series": n_series, "knobs": knobs, "grains": {}}
    graded_all = []
    total_rate = 0.0
    for log in logs:
        t0 = time.perf_counter()
        p_clean = upper_tail(log.clean, log.mean, log.var)
        clean = product_run(world.hier, log, log.clean, knobs)
        by_level = false_events(clean, log)
        n_false = sum(by_level.values())
        rate = n_false / log.months * 200 / n_series
        total_rate += rate
        p_star = match_threshold(world.hier, log, p_clean, n_false)
        oracle_false = false_events(oracle_run(world.hier, log, log.clean, p_clean, p_star), log)
        grain_graded = []
        for name, counts, anomalies in log.planted:
            prod = grade(product_run(world.hier, log, counts, knobs), world.hier, log, anomalies)
            p_planted = upper_tail(counts, log.mean, log.var)
            orac = grade(oracle_run(world.hier, log, counts, p_planted, p_star), world.hier, log,
                         anomalies)
            g = anomalies[["level", "kind", "size", "band", "length"]].assign(
                log=name, grain=log.grain, oracle_p=easiness(log, anomalies, p_star),
                product_ok=prod["ok"].to_numpy(), oracle_ok=orac["ok"].to_numpy(),
                product_events=prod["events"].to_numpy())
            grain_graded.append(g)
        g = pd.concat(grain_graded, ignore_index=True)
        graded_all.append(g)
        table = {f"{lv} {kind}": summarise(g[g["level"].eq(lv) & g["kind"].eq(kind)])
                 for lv in ("leaf", "market", "category", "all") for kind in ("rise", "surge")
                 if (g["level"].eq(lv) & g["kind"].eq(kind)).any()}
        table["parents"] = summarise(g[g["level"].ne("leaf")])
        table["leaves"] = summarise(g[g["level"].eq("leaf")])
        table["all"] = summarise(g)
        out["grains"][log.grain] = {
            "months": round(log.months, 2), "false_events": by_level | {"total": n_false},
            "false_per_month_per_200": round(rate, 3),
            "false_per_month_per_200_by_level": {lv: round(n / log.months * 200 / n_series, 3)
                                                 for lv, n in by_level.items()},
            "oracle_p_star": float(f"{p_star:.3g}"), "oracle_false_events": oracle_false,
            "recall": table, "seconds": round(time.perf_counter() - t0, 1)}
    graded = pd.concat(graded_all, ignore_index=True)
    overall = summarise(graded)
    out["false_per_month_per_200"] = round(total_rate, 3)
    out["overall"] = overall
    out["targets"] = {"false<=1/month/200 (day+hour, every level)": total_rate <= 1.0,
                      "easy_recall>=0.9": overall["product_recall_easy"] is not None
                      and overall["product_recall_easy"] >= 0.9,
                      "rest_ratio>=0.75": overall["rest_ratio"] is not None and overall["rest_ratio"] >= 0.75}
    return out


def _fmt(x):
    return "–" if x is None else f"{x:.2f}" if isinstance(x, float) else str(x)


def print_result(noise: str, name: str, res: dict) -> None:
    print(f"\n## noise {noise} · setting {name} {res['knobs'] or ''} · {res['series']} segments; "
          f"false events a month per 200 daily series, day + hour, every level: "
          f"{res['false_per_month_per_200']:.2f}; targets {res['targets']}")
    for grain, r in res["grains"].items():
        print(f"{grain}: {r['false_events']} false events in {r['months']} months = "
              f"{r['false_per_month_per_200']:.2f} a month per 200 "
              f"({r['false_per_month_per_200_by_level']}); oracle p* {r['oracle_p_star']:.2g} → "
              f"{sum(r['oracle_false_events'].values())} ({r['seconds']} s)")
        print(f"  {'anomalies':<18}{'n':>5}{'oracle':>8}{'product':>9}{'easy n':>8}"
              f"{'prod easy':>10}{'rest n':>8}{'orc rest':>9}{'prod rest':>10}{'ratio':>7}")
        for key, s in r["recall"].items():
            print(f"  {key:<18}{s['n']:>5}{_fmt(s['oracle_recall']):>8}{_fmt(s['product_recall']):>9}"
                  f"{s['easy_n']:>8}{_fmt(s['product_recall_easy']):>10}{s['rest_n']:>8}"
                  f"{_fmt(s['oracle_recall_rest']):>9}{_fmt(s['product_recall_rest']):>10}"
                  f"{_fmt(s['rest_ratio']):>7}")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--markets", type=int, default=16)
    ap.add_argument("--categories", type=int, default=25)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--hour-days", type=int, default=365, help="days of the hourly log (0: none)")
    ap.add_argument("--parent-logs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", default=",".join(SHOCKS))
    ap.add_argument("--settings", default="default")
    ap.add_argument("--set", default="{}", metavar="JSON",
                    help='extra SpikeSettings knobs for every setting, e.g. \'{"shock_variance": false}\'')
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    names = [s for s in args.settings.split(",") if s]
    if unknown := [s for s in names if s not in SETTINGS]:
        ap.error(f"unknown settings {unknown}; known: {list(SETTINGS)}")
    try:
        extra = spikes.knobs_json(args.set, "--set")
    except ValueError as exc:
        ap.error(str(exc))
    results, started = {}, time.perf_counter()
    for noise in args.noise.split(","):
        world = World.build(n_markets=args.markets, n_categories=args.categories, n_days=args.days,
                            hour_days=min(args.hour_days, args.days), noise=noise, seed=args.seed,
                            parent_logs=args.parent_logs)
        results[noise] = {}
        for name in names:
            res = evaluate(world, SETTINGS[name] | extra)
            results[noise][name] = res
            print_result(noise, name, res)
            sys.stdout.flush()
    print(f"\n{time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                         "shocks": SHOCKS, "results": results}, indent=1, default=str))
    return results


if __name__ == "__main__":
    main()
