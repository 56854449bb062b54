"""Who escalated each demo case, how urgent it is, its language, vendor, queue and surface.

Attributes depend on each other the way they do in real escalation work: regulators write about
harmful content and legal teams about IP and privacy; regulator and legal cases are more often
P0/P1; the hardest cases (P0, regulator, legal, child_safety) are routed mostly to one vendor.
All draws are vectorised: one uniform number per case, looked up in a per-group probability table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import calendars
from analytics.demo.volume import MARKETS, SOURCES
from analytics.demo.world import (
    CATEGORIES,
    CATEGORY_NAMES,
    SURFACES,
    VENDORS,
    source_mix,
    tilted_table,
)

PRIORITIES = ("P0", "P1", "P2", "P3")
HARD_SOURCES = ("regulator", "legal")
SURFACE_TILT = {"marketplace_listing": ("scam", "counterfeit", "illegal_goods"),
                "direct_message": ("harassment", "child_safety", "phishing", "scam"),
                "comment": ("spam", "hate_speech"), "feed_post": ("misinformation",),
                "livestream": ("self_harm", "graphic_violence"), "ad": ("gambling", "scam"),
                "profile": ("impersonation",)}


def choice_by_row(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each case, a column index drawn from its row of `probs` (rows need not sum to 1)."""
    cdf = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(rows))
    return np.minimum((u[:, None] > cdf[rows]).sum(axis=1), probs.shape[1] - 1)


def draw_sources(rng, category: np.ndarray, forced: np.ndarray) -> np.ndarray:
    drawn = choice_by_row(rng, source_mix(), category)
    return np.where(forced >= 0, forced, drawn)


def draw_priorities(rng, category: np.ndarray, source: np.ndarray) -> np.ndarray:
    """P0 share by category (higher for regulator and legal), the rest split by source type."""
    hard = np.isin(source, [SOURCES.index(s) for s in HARD_SOURCES])
    p0 = np.array([c.p0_share for c in CATEGORIES])[category] * np.where(hard, 2.5, 1.0)
    rest = np.where(hard[:, None], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3])
    probs = np.column_stack([p0, rest * (1 - p0)[:, None]])
    return choice_by_row(rng, probs, np.arange(len(category)))


def draw_languages(rng, market: np.ndarray) -> np.ndarray:
    """The market's languages (first one most common) plus a little English everywhere."""
    cals = calendars.load_calendars()
    out = np.empty(len(market), dtype=object)
    for i, code in enumerate(MARKETS):
        rows = np.flatnonzero(market == i)
        native = cals[code].languages
        weights = np.array([1.2] + [1.0] * (len(native) - 1))
        weights = weights / weights.sum() * (1.0 if "en" in native else 0.95)
        langs = native if "en" in native else native + ("en",)
        weights = weights if "en" in native else np.append(weights, 0.05)
        out[rows] = np.array(langs, dtype=object)[rng.choice(len(langs), len(rows), p=weights)]
    return out


def is_hard(category: np.ndarray, source: np.ndarray, priority: np.ndarray) -> np.ndarray:
    return ((priority == 0) | np.isin(source, [SOURCES.index(s) for s in HARD_SOURCES])
            | (category == CATEGORY_NAMES.index("child_safety")))


def draw_vendors(rng, hard: np.ndarray) -> np.ndarray:
    probs = np.array([[v.easy_share for v in VENDORS], [v.hard_share for v in VENDORS]])
    return choice_by_row(rng, probs, hard.astype(int))


def queues(category: np.ndarray, source: np.ndarray, priority: np.ndarray) -> np.ndarray:
    by_category = np.array([c.queue for c in CATEGORIES], dtype=object)[category]
    return np.select([source == SOURCES.index("regulator"), source == SOURCES.index("legal"),
                      priority == 0],
                     ["regulatory_escalations", "legal_requests", "priority_response"], by_category)


def case_attributes(rng, arrivals: pd.DataFrame) -> pd.DataFrame:
    """Integer codes and labels of every case's attributes, in arrival order."""
    category, market = arrivals["category"].to_numpy(), arrivals["market"].to_numpy()
    source = draw_sources(rng, category, arrivals["source"].to_numpy())
    priority = draw_priorities(rng, category, source)
    hard = is_hard(category, source, priority)
    vendor = draw_vendors(rng, hard)
    surface_weights = dict.fromkeys(SURFACES, 1.0)
    surface = choice_by_row(rng, tilted_table(surface_weights, SURFACE_TILT, 4.0), category)
    return pd.DataFrame({
        "market_code": market, "category_code": category, "source_code": source,
        "priority_code": priority, "vendor_code": vendor, "is_hard": hard,
        "market": np.array(MARKETS, dtype=object)[market],
        "language": draw_languages(rng, market),
        "abuse_category": np.array(CATEGORY_NAMES, dtype=object)[category],
        "source": np.array(SOURCES, dtype=object)[source],
        "priority": np.array(PRIORITIES, dtype=object)[priority],
        "queue": queues(category, source, priority),
        "vendor": np.array([v.name for v in VENDORS], dtype=object)[vendor],
        "surface": np.array(SURFACES, dtype=object)[surface],
    })
