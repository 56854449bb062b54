"""Spike detection over rate and duration KPIs: SLA breach rate and median first response.

Input: the long frame of sql/marts/spike_kpi_daily.sql (one row per metric × segment × day).
Each metric becomes a (series × day) matrix scored causally in one pass over time, numpy over
the series axis, like the case counts (analytics/spikes/model.py):

- `sla_breach_rate` — breaches out of the cases whose SLA clock stopped that day. Expected
  breaches = cases × the segment's usual breach rate, the ratio of exponentially weighted sums
  of earlier breaches and cases (add-half smoothed, so a history without a breach is not a rate
  of 0). Overdispersion φ (the mean Pearson χ² of earlier days, clipped, floored at 1) widens
  the binomial variance; the p-value is the upper tail of a negative binomial with that mean
  and variance max(φ·μ·(1 − p), μ) — never narrower than Poisson, which at a low rate is the
  binomial's own shape. Flag up: p ≤ alpha, ≥ min_count breaches and ≥ min_ratio × expected;
  flag down (the lower tail): p ≤ alpha, ≥ min_count breaches expected and ≤ expected ÷
  min_ratio observed.
- `first_response_median_s` — the day's median first response in seconds, scored by the
  continuous detector (analytics/spikes/continuous.py: seasonal z by weekday at 1, 3 and 10
  days, a one-day jump counted only as the highest of 3 weeks in value or excess, one alert per
  incident, records; the detector bench/nab.py scores on NAB). Flag: the
  detector's alert and ≥ min_count cases behind the median.

Both alert both ways (DIRECTION; issue #15 points 7-8). Up is worse: a surge of breaches or
slow answers. Down is not good news to take on trust: a breach rate or a median first response
that collapses (to zero) is most often a stopped SLA clock, a broken export or first replies
rubber-stamped by a macro, so a low event says which and what to check (LOW_HINTS). Each
scored bucket carries `side` (+1 above the expected value, -1 below it); events group per
metric and side as for case counts (analytics/spikes/events.py) and carry `direction` ("up" or
"down") and a headline saying which way; for the breach rate observed/expected/excess are
breaches, for the median seconds, averaged over the event's flagged days.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analytics.coverage import Coverage
from analytics.spikes import events as spike_events
from analytics.spikes.detect import settings_from
from analytics.spikes.continuous import ContinuousSettings, score_positive
from analytics.spikes.model import SpikeSettings, _weight, tail_p

METRICS = ("sla_breach_rate", "first_response_median_s")
DIRECTION = {"sla_breach_rate": "both", "first_response_median_s": "both"}
KEYS = ["market", "abuse_category", "source"]
MAX_PHI = 10.0
RESULT = ["expected", "band_low", "band_high", "p_value", "score", "is_anomaly", "expected_count",
          "side"]
WORDS = {"sla_breach_rate": "SLA breach rate", "first_response_median_s": "median first response"}
UP_HINTS = {"sla_breach_rate": "up (worse)", "first_response_median_s": "slower (worse)"}
LOW_HINTS = {"sla_breach_rate": "unusually low: check that SLA clocks still stop and the export "
                                "still carries breaches",
             "first_response_median_s": "unusually fast: check the export's response times or "
                                        "first replies rubber-stamped by a macro"}


def _matrices(frame: pd.DataFrame):
    """(series keys, days, {column: (series × day) matrix}); days without a row are NaN."""
    days = pd.date_range(frame["bucket"].min(), frame["bucket"].max(), freq="D")
    series_id = frame.groupby(KEYS, sort=False, dropna=False).ngroup().to_numpy()
    series = frame[KEYS].drop_duplicates().reset_index(drop=True)
    column = days.get_indexer(frame["bucket"])
    out = {}
    for name in ("cases", "breaches", "value"):
        matrix = np.full((len(series), len(days)), np.nan)
        matrix[series_id, column] = frame[name].to_numpy(dtype=float, na_value=np.nan)
        out[name] = matrix
    return series, days, out, series_id, column


def score_breach_rate(breaches: np.ndarray, cases: np.ndarray, *,
                      settings: SpikeSettings = SpikeSettings()) -> dict[str, np.ndarray]:
    """Score breaches out of cases, a (series × day) matrix each (NaN = no cases that day):
    expected, variance, p_value (the smaller tail), is_anomaly and side (+1 up, -1 down, 0)."""
    cfg, w = replace(settings, family="negbin"), _weight(settings.halflife)
    w_phi = _weight(settings.dispersion_halflife)
    n_series, n_time = breaches.shape
    num, den = np.zeros(n_series), np.zeros(n_series)
    phi, phi_seen, seen, run = np.ones(n_series), np.zeros(n_series), np.zeros(n_series), np.zeros(n_series)
    out = {k: np.full(breaches.shape, np.nan) for k in ("expected", "variance", "p_value")}
    flags = np.zeros(breaches.shape, bool)
    side = np.zeros(breaches.shape, np.int8)
    both = DIRECTION["sla_breach_rate"] == "both"
    for t in range(n_time):
        b, n = np.nan_to_num(breaches[:, t]), np.nan_to_num(cases[:, t])
        valid = n > 0
        rate = (num + 0.5) / (den + 1.0)
        mu = np.maximum(n * rate, 1e-9)
        var = np.maximum(phi * mu * (1.0 - rate), mu * (1.0 + 1e-6))
        scored = valid & (seen >= cfg.warmup)
        p_up = np.where(scored, tail_p(b, mu, var, cfg, True), 1.0)
        up = (p_up <= cfg.alpha) & (b >= cfg.min_count) & (b >= cfg.min_ratio * mu)
        # the lower tail: a day with ≥ min_count breaches expected and at most 1 / min_ratio of them
        low = scored & (mu >= cfg.min_count) & (b * cfg.min_ratio <= mu) if both else scored & False
        p_low = np.where(low, tail_p(b, mu, var, cfg, False), 1.0)
        down = low & (p_low <= cfg.alpha)
        p = np.fmin(p_up, p_low)
        flag = valid & (up | down)
        learn = valid & (~flag | (run >= cfg.relearn_after))
        z2 = np.minimum((b - mu) ** 2 / np.maximum(mu * (1.0 - rate), 1e-9), 9.0)
        ws = np.maximum(1.0 / (phi_seen + 2.0), w_phi)   # phi starts at 1 with one bucket's weight
        phi = np.where(learn & (seen >= 3), np.clip(phi + ws * (z2 - phi), 1.0, MAX_PHI), phi)
        phi_seen = phi_seen + (learn & (seen >= 3))
        num = np.where(learn, (1.0 - w) * num + b, num)
        den = np.where(learn, (1.0 - w) * den + n, den)
        seen, run = seen + valid, np.where(flag, run + 1, 0)
        out["expected"][:, t], out["variance"][:, t], out["p_value"][:, t] = mu, var, p
        flags[:, t] = flag
        side[:, t] = np.where(up, 1, np.where(down, -1, 0))
    return out | {"is_anomaly": flags, "side": side}


def continuous_settings(settings: SpikeSettings = SpikeSettings()) -> ContinuousSettings:
    """The continuous detector's settings for the daily median first response under the spike
    settings: both directions (DIRECTION), the same warm-up, and its alpha moved by the
    sensitivity level as the counts' (standard: ContinuousSettings.alpha; low / high: the same
    factor as 1e-6 / 1e-3 to 5e-5)."""
    shift = settings.alpha / SpikeSettings().alpha
    return ContinuousSettings(direction=DIRECTION["first_response_median_s"],
                              warmup=int(settings.warmup),
                              alpha=min(ContinuousSettings().alpha * shift, 0.5))


def score_first_response(median_s: np.ndarray, cases: np.ndarray, days: pd.DatetimeIndex, *,
                         settings: SpikeSettings = SpikeSettings()) -> dict[str, np.ndarray]:
    """Score daily median first responses (seconds; NaN = no response) with the continuous
    detector (analytics/spikes/continuous.py: weekday season, what bench/nab.py scores on NAB):
    rises on the seconds, falls on log1p seconds (`score_positive`: a collapse to 0 s is far
    below on the log scale, never on the seconds); a flag also needs >= min_count cases behind
    the median."""
    result = score_positive(np.asarray(median_s, dtype=float), phases=days.day_of_week.to_numpy(),
                            settings=continuous_settings(settings))
    flags = result["is_anomaly"] & (np.nan_to_num(cases) >= settings.min_count)
    return {"expected": result["expected"], "p_value": result["p_value"],
            "band_low": result["band_low"], "band_high": result["band_high"], "is_anomaly": flags,
            "side": np.where(flags, result["side"], 0)}


def _by_stretch(score, fresh: np.ndarray) -> dict[str, np.ndarray]:
    """`score(days)` (a slice of the day axis) run on each stretch of days that starts at a
    fresh start (the first covered day after a long uncovered gap, analytics/coverage.py) and
    put back together: a KPI's history does not carry over the years between two exports, so the
    later export is judged on its own warmed-up history, never against the earlier one's level."""
    starts = [0, *np.flatnonzero(fresh), len(fresh)]
    parts = [score(slice(a, b)) for a, b in zip(starts, starts[1:]) if b > a]
    return {name: np.concatenate([part[name] for part in parts], axis=1) for name in parts[0]}


def detect_kpi_spikes(frame: pd.DataFrame, *, coverage: Coverage | None = None,
                      **knobs) -> pd.DataFrame:
    """Score every row of the spike_kpi_daily mart; returns it plus RESULT columns, aligned:
    the same index and row order (rows of another metric score NaN, never anomalous).
    `coverage`: the exports' windows; each series starts its history again after a long
    uncovered gap (None: one stretch)."""
    cfg = settings_from(knobs, "detect_kpi_spikes")
    coverage = coverage or Coverage.everything()
    found = {name: np.full(len(frame), np.nan) for name in RESULT}
    found["is_anomaly"] = np.zeros(len(frame), dtype=bool)
    found["side"] = np.zeros(len(frame), dtype=np.int8)
    for metric in METRICS:
        mask = (frame["metric"] == metric).to_numpy()
        rows = frame[mask].copy()
        if rows.empty:
            continue
        rows["bucket"] = pd.to_datetime(rows["bucket"])
        series, days, m, series_id, column = _matrices(rows)
        fresh = coverage.fresh_starts(days, "day")
        if metric == "sla_breach_rate":
            r = _by_stretch(lambda d: score_breach_rate(m["breaches"][:, d], m["cases"][:, d],
                                                        settings=cfg), fresh)
            sd = np.sqrt(r["variance"])
            with np.errstate(invalid="ignore", divide="ignore"):
                r |= {"expected_count": r["expected"], "expected": r["expected"] / m["cases"],
                      "band_low": np.maximum(r["expected"] - 2.33 * sd, 0) / m["cases"],
                      "band_high": (r["expected"] + 2.33 * sd) / m["cases"]}
        else:
            r = _by_stretch(lambda d: score_first_response(m["value"][:, d], m["cases"][:, d],
                                                           days[d], settings=cfg), fresh)
            r["expected_count"] = r["expected"]
        with np.errstate(divide="ignore"):
            r["score"] = np.clip(-np.log10(np.fmax(np.nan_to_num(r["p_value"], nan=1.0), 1e-300))
                                 / cfg.score_scale, 0.0, 1.0)
        for name in RESULT:
            found[name][mask] = r[name][series_id, column]
    return frame.assign(bucket=pd.to_datetime(frame["bucket"]), **found)


def kpi_events(scored: pd.DataFrame, *, cooldown: int = SpikeSettings.cooldown) -> pd.DataFrame:
    """Events per metric and direction, grouped and collapsed across the segment hierarchy: a
    rise and a fall are separate incidents (a fall is never folded into a rise). Each event has
    `direction` ("up" / "down") and a headline saying which way and, down, what to check."""
    found = []
    side = scored["side"] if "side" in scored else pd.Series(1, index=scored.index)
    for metric in METRICS:
        for direction, sign in (("up", 1), ("down", -1)):
            rows = scored[(scored["metric"] == metric) & scored["is_anomaly"] & (side == sign)]
            if rows.empty:
                continue
            value = "breaches" if metric == "sla_breach_rate" else "value"
            rows = rows.assign(expected=rows["expected_count"])
            events = spike_events.group_events(rows, keys=KEYS, value=value, metric=metric,
                                               cooldown=cooldown)
            if metric != "sla_breach_rate":   # seconds: a mean over the flagged days, not a sum
                for column in ("observed", "expected", "excess"):
                    events[column] = events[column] / events["buckets"]
            if direction == "down":           # the excess is negative: parts by the largest fall
                events = _collapse_falls(events)
            else:
                events = spike_events.collapse_hierarchy(events, keys=KEYS)
            found.append(events.assign(direction=direction, headline=[
                headline(metric, direction, h, o, e) for h, o, e in
                zip(events["headline"], events["observed"], events["expected"])]))
    if not found:
        return pd.DataFrame(columns=[*spike_events.EVENT_COLUMNS, *KEYS, "direction"])
    return pd.concat(found, ignore_index=True).sort_values(["score", "excess"], ascending=False,
                                                           ignore_index=True)


def _collapse_falls(events: pd.DataFrame) -> pd.DataFrame:
    """collapse_hierarchy on falls: it ranks and shares by excess, so it runs on the mirrored
    excess (expected − observed) and the signs are put back."""
    mirrored = events.assign(excess=-events["excess"])
    out = spike_events.collapse_hierarchy(mirrored, keys=KEYS)
    out["excess"] = -out["excess"]
    out["components"] = [[part | {"excess": -part["excess"]} for part in parts]
                         for parts in out["components"]]
    return out


def headline(metric: str, direction: str, name: str, observed: float, expected: float) -> str:
    """'KZ: median first response unusually fast (120 s vs 3,400 s expected): check ...'."""
    unit = "breaches" if metric == "sla_breach_rate" else "s"
    hint = (UP_HINTS if direction == "up" else LOW_HINTS)[metric]
    return (f"{name}: {WORDS[metric]} {hint.split(':')[0]} ({observed:,.0f} {unit} vs "
            f"{expected:,.0f} {unit} expected)" + hint[len(hint.split(':')[0]):])
