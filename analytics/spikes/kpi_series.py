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
  binomial's own shape. Flag: p ≤ alpha, ≥ min_count breaches and ≥ min_ratio × expected.
- `first_response_median_s` — the day's median first response in seconds, scored by the
  continuous detector (analytics/spikes/continuous.py: seasonal z by weekday at 1, 3 and 10
  days, one alert per incident, records; the detector bench/nab.py scores on NAB). Flag: the
  detector's alert and ≥ min_count cases behind the median.

Both are direction "up" (worse): a surge of breaches or slow answers. Events group as for case
counts (analytics/spikes/events.py): for the breach rate observed/expected/excess are breaches;
for the median they are seconds, averaged over the event's flagged days.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analytics.spikes import events as spike_events
from analytics.spikes.detect import settings_from
from analytics.spikes.continuous import ContinuousSettings, score_continuous
from analytics.spikes.model import SpikeSettings, _weight, tail_p

METRICS = ("sla_breach_rate", "first_response_median_s")
KEYS = ["market", "abuse_category", "source"]
MAX_PHI = 10.0
RESULT = ["expected", "band_low", "band_high", "p_value", "score", "is_anomaly", "expected_count"]


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
    """Score breaches out of cases, a (series × day) matrix each (NaN = no cases that day)."""
    cfg, w = replace(settings, family="negbin"), _weight(settings.halflife)
    w_phi = _weight(settings.dispersion_halflife)
    n_series, n_time = breaches.shape
    num, den = np.zeros(n_series), np.zeros(n_series)
    phi, phi_seen, seen, run = np.ones(n_series), np.zeros(n_series), np.zeros(n_series), np.zeros(n_series)
    out = {k: np.full(breaches.shape, np.nan) for k in ("expected", "variance", "p_value")}
    flags = np.zeros(breaches.shape, bool)
    for t in range(n_time):
        b, n = np.nan_to_num(breaches[:, t]), np.nan_to_num(cases[:, t])
        valid = n > 0
        rate = (num + 0.5) / (den + 1.0)
        mu = np.maximum(n * rate, 1e-9)
        var = np.maximum(phi * mu * (1.0 - rate), mu * (1.0 + 1e-6))
        p = np.where(valid & (seen >= cfg.warmup), tail_p(b, mu, var, cfg, True), 1.0)
        flag = valid & (p <= cfg.alpha) & (b >= cfg.min_count) & (b >= cfg.min_ratio * mu)
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
    return out | {"is_anomaly": flags}


def continuous_settings(settings: SpikeSettings = SpikeSettings()) -> ContinuousSettings:
    """The continuous detector's settings for a daily KPI series under the spike settings: the
    same warm-up and direction, and its alpha moved by the sensitivity level as the counts'
    (standard: ContinuousSettings.alpha; low / high: the same factor as 1e-6 / 1e-3 to 5e-5)."""
    shift = settings.alpha / SpikeSettings().alpha
    return ContinuousSettings(direction=settings.direction, warmup=int(settings.warmup),
                              alpha=min(ContinuousSettings().alpha * shift, 0.5))


def score_first_response(median_s: np.ndarray, cases: np.ndarray, days: pd.DatetimeIndex, *,
                         settings: SpikeSettings = SpikeSettings()) -> dict[str, np.ndarray]:
    """Score daily median first responses (seconds; NaN = no response) with the continuous
    detector (analytics/spikes/continuous.py: weekday season, what bench/nab.py scores on NAB);
    a flag also needs >= min_count cases behind the median."""
    result = score_continuous(np.asarray(median_s, dtype=float), phases=days.day_of_week.to_numpy(),
                              settings=continuous_settings(settings))
    flags = result["is_anomaly"] & (np.nan_to_num(cases) >= settings.min_count)
    return {"expected": result["expected"], "p_value": result["p_value"],
            "band_low": result["band_low"], "band_high": result["band_high"], "is_anomaly": flags}


def detect_kpi_spikes(frame: pd.DataFrame, **knobs) -> pd.DataFrame:
    """Score every row of the spike_kpi_daily mart; returns it plus RESULT columns, aligned:
    the same index and row order (rows of another metric score NaN, never anomalous)."""
    cfg = settings_from(knobs, "detect_kpi_spikes")
    found = {name: np.full(len(frame), np.nan) for name in RESULT}
    found["is_anomaly"] = np.zeros(len(frame), dtype=bool)
    for metric in METRICS:
        mask = (frame["metric"] == metric).to_numpy()
        rows = frame[mask].copy()
        if rows.empty:
            continue
        rows["bucket"] = pd.to_datetime(rows["bucket"])
        series, days, m, series_id, column = _matrices(rows)
        if metric == "sla_breach_rate":
            r = score_breach_rate(m["breaches"], m["cases"], settings=cfg)
            sd = np.sqrt(r["variance"])
            with np.errstate(invalid="ignore", divide="ignore"):
                r |= {"expected_count": r["expected"], "expected": r["expected"] / m["cases"],
                      "band_low": np.maximum(r["expected"] - 2.33 * sd, 0) / m["cases"],
                      "band_high": (r["expected"] + 2.33 * sd) / m["cases"]}
        else:
            r = score_first_response(m["value"], m["cases"], days, settings=cfg)
            r["expected_count"] = r["expected"]
        with np.errstate(divide="ignore"):
            r["score"] = np.clip(-np.log10(np.fmax(np.nan_to_num(r["p_value"], nan=1.0), 1e-300))
                                 / cfg.score_scale, 0.0, 1.0)
        for name in RESULT:
            found[name][mask] = r[name][series_id, column]
    return frame.assign(bucket=pd.to_datetime(frame["bucket"]), **found)


def kpi_events(scored: pd.DataFrame, *, cooldown: int = SpikeSettings.cooldown) -> pd.DataFrame:
    """Events per metric, grouped and collapsed across the segment hierarchy."""
    found = []
    for metric in METRICS:
        rows = scored[scored["metric"] == metric]
        if not rows["is_anomaly"].any():
            continue
        value = "breaches" if metric == "sla_breach_rate" else "value"
        rows = rows.assign(expected=rows["expected_count"])
        events = spike_events.group_events(rows, keys=KEYS, value=value, metric=metric,
                                           cooldown=cooldown)
        if metric != "sla_breach_rate":   # seconds: a mean over the flagged days, not a sum
            for column in ("observed", "expected", "excess"):
                events[column] = events[column] / events["buckets"]
        found.append(spike_events.collapse_hierarchy(events, keys=KEYS))
    if not found:
        return pd.DataFrame(columns=[*spike_events.EVENT_COLUMNS, *KEYS])
    return pd.concat(found, ignore_index=True).sort_values(["score", "excess"], ascending=False,
                                                           ignore_index=True)
