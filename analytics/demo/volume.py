"""How many demo cases each market and category gets on each market-local day, and when they arrive.

Expected volume = market share × the market's category mix × growth and yearly season × weekday
(weekends are quieter, on the market's own weekend) × public holidays (from data/calendars.toml)
× overdispersed day noise. Planted incidents add extra cases on top, drawn the same way, so their
size is a known multiple of the expected volume. Everything is arrays over markets × categories ×
days; the only loops are over markets and incidents.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import calendars
from analytics.demo.world import (
    CATEGORIES,
    CATEGORY_NAMES,
    FRIDAY_WEEKEND,
    INCIDENTS,
    MARKET_WEIGHTS,
    SOURCE_WEIGHTS,
    Incident,
    source_mix,
)

MARKETS = tuple(MARKET_WEIGHTS)
SOURCES = tuple(SOURCE_WEIGHTS)
# Share of a market-local day's cases per hour: quiet nights, busy afternoons and evenings.
HOURLY = np.array([2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 5.5, 6.5, 7, 7, 7, 7, 7, 7, 6.5, 6.5, 6.5,
                   6.5, 6, 5, 4, 3])
WEEKEND_FACTOR, HOLIDAY_FACTOR = 0.72, 0.55


def local_days(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Every calendar day that is local day somewhere between start and end (UTC)."""
    return pd.date_range(start.floor("D") - pd.Timedelta(days=1), end.floor("D") + pd.Timedelta(days=1))


def anchor_day(days: pd.DatetimeIndex, end: pd.Timestamp) -> int:
    """Index of the end's date in `days`: incident days are counted back from it."""
    return int(days.get_loc(end.floor("D")))


def calendar_factors(days: pd.DatetimeIndex) -> np.ndarray:
    """Markets × days multiplier for weekends and public holidays in each market."""
    holidays = calendars.load_calendars()
    weekday = days.day_of_week.to_numpy()
    out = np.ones((len(MARKETS), len(days)))
    for i, market in enumerate(MARKETS):
        weekend = (4, 5) if market in FRIDAY_WEEKEND else (5, 6)
        out[i, np.isin(weekday, weekend)] *= WEEKEND_FACTOR
        out[i, days.isin(pd.to_datetime(sorted(holidays[market].holidays)))] *= HOLIDAY_FACTOR
    return out


def expected_volume(rng: np.random.Generator, days: pd.DatetimeIndex) -> np.ndarray:
    """Markets × categories × days of expected shares of all cases (sums to 1)."""
    market_share = np.array([MARKET_WEIGHTS[m] for m in MARKETS])
    base_mix = np.array([c.share for c in CATEGORIES])
    mix = rng.dirichlet(base_mix / base_mix.sum() * 300, size=len(MARKETS))   # markets differ
    t = np.linspace(0, 1, len(days))
    season = (1 + 0.15 * t) * (1 + 0.06 * np.sin(2 * np.pi * (days.day_of_year.to_numpy() - 80) / 365))
    day_noise = rng.gamma(40, 1 / 40, size=(len(MARKETS), 1, len(days)))
    cell_noise = rng.gamma(25, 1 / 25, size=(len(MARKETS), len(CATEGORIES), len(days)))
    rate = (market_share[:, None, None] * mix[:, :, None] * season[None, None, :]
            * calendar_factors(days)[:, None, :] * day_noise * cell_noise)
    return rate / rate.sum()


def incident_days(incident: Incident, anchor: int, n_days: int) -> tuple[int, int]:
    """First and last day index of an incident; one that reaches day 0 is still going on."""
    last = n_days - 1 if incident.last_day == 0 else anchor - incident.last_day
    return anchor - incident.first_day, last


def incident_multiplier(incident: Incident, anchor: int, n_days: int) -> np.ndarray:
    """Per-day multiple of the expected volume an incident brings (1 outside it)."""
    out = np.ones(n_days)
    first, last = incident_days(incident, anchor, n_days)
    if incident.kind == "emerging_trend":   # linear ramp up to the magnitude
        out[first:last + 1] = 1 + (incident.magnitude - 1) * np.linspace(0, 1, last - first + 1)
    else:
        out[first:last + 1] = incident.magnitude
    return out


def incident_counts(rng, rate: np.ndarray, n_base: int, anchor: int) -> list[tuple]:
    """Extra cases per incident: (incident, markets × categories × days counts)."""
    out = []
    for incident in INCIDENTS:
        m = MARKETS.index(incident.market)
        extra = np.zeros_like(rate)
        cats = [CATEGORY_NAMES.index(incident.category)] if incident.category else slice(None)
        # A source-only incident multiplies that source's share of the segment, not all of it.
        share = source_mix()[cats, SOURCES.index(incident.source)] if incident.source else 1.0
        extra[m, cats] = (rate[m, cats] * np.atleast_1d(share)[:, None]
                          * (incident_multiplier(incident, anchor, rate.shape[2]) - 1))
        out.append((incident, rng.poisson(extra * n_base)))
    return out


def arrival_times(rng, market_idx: np.ndarray, local_day: np.ndarray) -> np.ndarray:
    """UTC creation times (naive) of cases arriving on market-local days, by the hourly profile."""
    hour = rng.choice(24, size=len(local_day), p=HOURLY / HOURLY.sum())
    seconds = hour * 3600 + rng.integers(0, 3600, size=len(local_day))
    local = local_day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    out = np.empty(len(local), dtype="datetime64[s]")
    zones = calendars.load_calendars()
    for i, market in enumerate(MARKETS):
        rows = np.flatnonzero(market_idx == i)
        stamps = pd.DatetimeIndex(local[rows]).tz_localize(
            zones[market].time_zone, ambiguous=np.zeros(len(rows), dtype=bool),
            nonexistent="shift_forward")
        out[rows] = stamps.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[s]")
    return out


def case_arrivals(rng, n_cases: int, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row per case: market, abuse_category and source codes (-1 = free), created_at (UTC)."""
    days = local_days(start, end)
    rate = expected_volume(rng, days)
    extras = incident_counts(rng, rate, n_cases, anchor_day(days, end))
    counts = [rng.poisson(rate * n_cases)] + [c for _, c in extras]
    sources = [-1] + [SOURCES.index(i.source) if i.source else -1 for i, _ in extras]
    frames = [_rows(c, s) for c, s in zip(counts, sources)]
    rows = pd.concat(frames, ignore_index=True)
    local_day = days.to_numpy()[rows["day"].to_numpy()]
    rows["created_at"] = arrival_times(rng, rows["market"].to_numpy(), local_day)
    keep = (rows["created_at"] >= start) & (rows["created_at"] < end)
    return rows.loc[keep].sort_values("created_at", kind="stable").reset_index(drop=True)


def _rows(counts: np.ndarray, source: int) -> pd.DataFrame:
    """Expand a markets × categories × days count array into one row per case."""
    cells = np.flatnonzero(counts)
    flat = np.repeat(cells, counts.ravel()[cells])
    market, category, day = np.unravel_index(flat, counts.shape)
    return pd.DataFrame({"market": market, "category": category, "day": day,
                         "source": np.full(len(flat), source)})
