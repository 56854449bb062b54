"""Spike detection over count series: the public API (`detect_spikes`, `spike_events`,
`find_spikes`), pure functions over DataFrames.

`detect_spikes` scores a long frame (one row per segment × bucket) and returns a frame aligned
with it: the same index and rows plus expected, band_low, band_high, p_value, score and
is_anomaly (the Kats/statsmodels shape). Internally every segment becomes one row of a
(series × time) matrix scored by `spike_model.score_matrix` in one pass: buckets missing from
the input count as 0, seasons are the weekday (daily) or weekday × hour (hourly) of the bucket,
and a market's public holidays (data/calendars.toml) never teach the baseline nor raise a dip.
`spike_events` groups flagged buckets into events and across the segment hierarchy
(analytics/spikes/events.py); `find_spikes` does both for the segment counts the CLI and the page
read from sql/marts/spike_counts_*.sql.

>>> frame = pd.DataFrame({"bucket": pd.date_range("2026-01-01", periods=60, freq="D"),
...                       "cases": [20] * 50 + [90] + [20] * 9})
>>> scored = detect_spikes(frame, keys=())
>>> scored.index[scored["is_anomaly"]].tolist()
[50]
"""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd

from analytics import calendars
from analytics.coverage import Coverage
from analytics.spikes import newcomers
from analytics.spikes.model import SpikeSettings, band, score_matrix

GRAINS = {"day": "D", "hour": "h"}
DIMENSIONS = ("market", "abuse_category", "source")   # the segment hierarchy the CLI watches
# hourly buckets: two weeks to learn the 168 weekday × hour factors, a level that follows
# days rather than hours, an incident that may pause for a few hours, and hours of one day that
# share its shocks (the pair test learns how much two consecutive hours move together), and
# (round 9) a variance mu + alpha·mu²: the day's shocks multiply all its hours alike, so an
# hour's extra variance grows like mu², while its own noise is near Poisson (a split of the
# day's cases). With mu + alpha·mu, alpha read off the busy hours gave night hours 2–6× their
# variance (bench/sensitivity_shown.py: hourly recall 0.075–0.194 → 0.094–0.249 at 0–6 false
# hourly events in 10 months, docs/spikes.md "Round 9")
HOURLY_DEFAULTS = {"warmup": 14 * 24, "halflife": 72, "level_drift": 0.0, "relearn_after": 24,
                   "cooldown": 3, "pair_correlation": True, "variance_power": 2.0}
# a sensitivity level's alpha is a chance per series and day: an hour is one of 24 tests a day,
# so an hourly bucket needs alpha / 24 and reports its p-value × 24 (capped at 1) — the same
# severity scale, and no more false events a day at hourly grain than at daily grain
# (round 7: 12.1 false hourly events a month per 200 series on the ServiceNow-like simulation of
# bench/sensitivity_shown.py at the per-bucket alpha)
TESTS_PER_DAY = {"day": 1, "hour": 24}
RESULT_COLUMNS = ["expected", "band_low", "band_high", "p_value", "score", "is_anomaly",
                  "is_data_change"]


def settings_from(knobs: dict, where: str) -> SpikeSettings:
    """SpikeSettings from a detector's keyword knobs; an unknown or out-of-range knob is a
    ValueError naming it (not a TypeError from deep inside).

    >>> settings_from({"alpah": 0.01}, "detect_spikes")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: detect_spikes: unknown knob(s) ['alpah']; known: ...
    """
    unknown = sorted(set(knobs) - set(SpikeSettings.names()))
    if unknown:
        raise ValueError(f"{where}: unknown knob(s) {unknown}; known: {SpikeSettings.names()}")
    for name, value in knobs.items():
        default = getattr(SpikeSettings, name, None)
        if isinstance(default, bool) and not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{where}: {name} must be true or false, not {value!r}")
        numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
        if numeric and (isinstance(value, bool) or not isinstance(value, (int, float, np.number))
                        or not value >= 0):   # (NaN fails this too)
            raise ValueError(f"{where}: {name} must be a number >= 0, not {value!r}")
    if not 0 <= knobs.get("big_alpha", 0.0) < 1 or knobs.get("score_scale", 1.0) <= 0:
        raise ValueError(f"{where}: need 0 <= big_alpha < 1 and score_scale > 0")
    return SpikeSettings(**knobs)


def knobs_json(text: str, where: str) -> dict:
    """SpikeSettings knobs from a JSON object (the benches' --set); anything else, an unknown
    knob or a bad value is a ValueError naming `where`.

    >>> knobs_json('{"spread_skew": false}', "--set")
    {'spread_skew': False}
    """
    try:
        knobs = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON ({exc})") from None
    if not isinstance(knobs, dict):
        raise ValueError(f'{where}: a JSON object of SpikeSettings knobs, e.g. {{"alpha": 2e-5}}')
    settings_from(knobs, where)
    return knobs


def phases_of(buckets: pd.DatetimeIndex, grain: str) -> np.ndarray:
    """Season phase of each bucket: weekday for days, weekday × 24 + hour for hours."""
    weekday = buckets.day_of_week.to_numpy()
    return weekday if grain == "day" else weekday * 24 + buckets.hour.to_numpy()


def holiday_matrix(markets: pd.Series, buckets: pd.DatetimeIndex) -> np.ndarray:
    """(series × time) booleans: the bucket's (market-local) date is a holiday in the series'
    market; series without a market (None) have none. One lookup per market, not per series."""
    out = np.zeros((len(markets), len(buckets)), dtype=bool)
    days = buckets.normalize()
    for market, rows in markets.groupby(markets.fillna(""), sort=False).groups.items():
        if market:
            holidays = pd.DatetimeIndex(sorted(calendars.calendar_for(market).holidays))
            out[markets.index.get_indexer(rows)] = days.isin(holidays)
    return out


def _matrix(frame: pd.DataFrame, keys: list[str], time: str, value: str, grain: str,
            coverage: Coverage):
    if frame.empty:
        return np.zeros((0, 0)), pd.DataFrame(columns=keys), pd.DatetimeIndex([]), None, None
    stamps = pd.to_datetime(frame[time])
    buckets = pd.date_range(stamps.min(), stamps.max(), freq=GRAINS[grain])
    if keys:
        series_id = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
        series = frame[keys].drop_duplicates().reset_index(drop=True)  # first-seen order = ngroup order
    else:
        series_id, series = np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=[0])
    columns = buckets.get_indexer(stamps)
    if (columns < 0).any():
        raise ValueError(f"{time} holds values that are not whole {grain} buckets")
    values = np.zeros((len(series), len(buckets)))
    np.add.at(values, (series_id, columns), frame[value].to_numpy(dtype=float))
    values[:, ~coverage.mask(buckets, grain)] = np.nan   # no export covers it: unknown, not 0
    return values, series, buckets, series_id, columns


def parent_rows(series: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """(series × keys): the row of each series with one of its fixed keys set to "all" (its
    parents: a market × category's market and category), -1 where there is none."""
    labels = series[keys].astype(object).where(series[keys].notna(), None)
    index = {tuple(row): i for i, row in enumerate(labels.itertuples(index=False))}
    out = np.full((len(series), max(len(keys), 1)), -1)
    for i, row in enumerate(labels.itertuples(index=False)):
        for k, v in enumerate(row):
            if v is not None:
                out[i, k] = index.get(tuple(row[:k]) + (None,) + tuple(row[k + 1:]), -1)
    return out


def detect_spikes(frame: pd.DataFrame, *, keys=DIMENSIONS, time: str = "bucket",
                  value: str = "cases", grain: str = "day", coverage: Coverage | None = None,
                  **knobs) -> pd.DataFrame:
    """Score every bucket of every segment; returns `frame` plus RESULT_COLUMNS, aligned.

    `keys`: the columns naming a segment (a None in one means "all"); `coverage`: the days the
    exports cover (analytics/coverage.py; None = every bucket from the first to the last);
    `knobs`: SpikeSettings fields (direction, alpha, min_count, min_ratio, warmup, cooldown, ...).
    """
    keys = [k for k in keys if k in frame.columns] if keys is DIMENSIONS else list(keys)
    missing = [c for c in [*keys, time, value] if c not in frame.columns]
    if missing:
        raise ValueError(f"detect_spikes: frame has no column(s) {missing}")
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}, not {grain!r}")
    if frame.duplicated([*keys, time]).any():
        raise ValueError("detect_spikes: more than one row per segment and bucket")
    cfg = settings_from(knobs, "detect_spikes")
    tests = TESTS_PER_DAY[grain]
    cfg = replace(cfg, alpha=cfg.alpha / tests, big_alpha=cfg.big_alpha / tests)
    coverage = coverage or Coverage.everything()
    values, series, buckets, series_id, columns = _matrix(frame, keys, time, value, grain, coverage)
    out = frame.copy()
    if not len(frame):
        return out.assign(**{c: pd.Series(dtype=float) for c in RESULT_COLUMNS})
    markets = series["market"] if "market" in series else pd.Series([None] * len(series))
    first = newcomers.starts(values, series.reset_index(drop=True), keys) \
        if keys and cfg.family == "negbin" else np.full(len(series), -1)
    result = score_matrix(newcomers.model_values(values, first), phases=phases_of(buckets, grain),
                          holidays=holiday_matrix(markets.reset_index(drop=True), buckets),
                          fresh_starts=coverage.fresh_starts(buckets, grain),
                          parents=parent_rows(series.reset_index(drop=True), keys) if keys else None,
                          settings=cfg)
    result["is_data_change"] = np.zeros(values.shape, dtype=bool)
    changes = newcomers.rescore(values, result, series.reset_index(drop=True), keys, first, cfg)
    result["is_data_change"][changes["row"].to_numpy(int), changes["first"].to_numpy(int)] = True
    if tests > 1:   # per day: the chance of a bucket this surprising in one of the day's tests
        result["p_value"] = np.minimum(result["p_value"] * tests, 1.0)
        with np.errstate(divide="ignore"):
            score = -np.log10(np.fmax(result["p_value"], 1e-300)) / cfg.score_scale
        result["score"] = np.where(np.isnan(score), 0.0, np.clip(score, 0.0, 1.0))
    low, high = band(result["expected"], result["variance"], cfg)
    result |= {"band_low": low, "band_high": high}
    for name in RESULT_COLUMNS:
        out[name] = result[name][series_id, columns]
    return out


def spike_events(scored: pd.DataFrame, *, keys=DIMENSIONS, time: str = "bucket",
                 value: str = "cases", metric: str = "cases", grain: str = "day",
                 cooldown: int = SpikeSettings.cooldown, min_share: float = 0.7) -> pd.DataFrame:
    """The events of a `detect_spikes` result, one per incident (see analytics/spikes/events.py)."""
    from analytics.spikes import events

    keys = [k for k in keys if k in scored.columns]
    found = events.group_events(scored, keys=keys, time=time, value=value, metric=metric,
                                grain=grain, cooldown=cooldown)
    return events.collapse_hierarchy(found, keys=keys, min_share=min_share)


def find_spikes(counts: pd.DataFrame, *, grain: str = "day", coverage: Coverage | None = None,
                **knobs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scored segment counts (from sql/marts/spike_counts_<grain>.sql) and their events."""
    knobs = (HOURLY_DEFAULTS if grain == "hour" else {}) | knobs
    cooldown = knobs.get("cooldown", SpikeSettings.cooldown)
    frame = counts.copy()
    frame["bucket"] = pd.to_datetime(frame["bucket"])
    scored = detect_spikes(frame, keys=DIMENSIONS, grain=grain, coverage=coverage, **knobs)
    return scored, spike_events(scored, grain=grain, cooldown=cooldown)
