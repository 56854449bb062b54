"""Demo case summaries in English, Russian and Kazakh, with the planted scam wording spreading in KZ.

Kazakh-language cases get Kazakh summaries, Russian-language cases Russian ones, every other
case an English one (vendors write English summaries for languages the demo has no text for).
Every summary variant is composed once into a table; cases pick from it by index.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.demo.phrases import (
    CLOSINGS,
    LANGUAGES,
    OPENERS,
    PLANTED_CATEGORIES,
    PLANTED_MARKET,
    PLANTED_TERMS,
    WHAT_HAPPENED,
    PlantedTerm,
)
from analytics.demo.world import CATEGORY_NAMES


def summary_table() -> np.ndarray:
    """Languages × categories × variants array of complete summaries."""
    return np.array([[[f"{opener} {what}. {closing}"
                       for opener in OPENERS[lang] for what in WHAT_HAPPENED[cat][lang]
                       for closing in CLOSINGS[lang]]
                      for cat in CATEGORY_NAMES] for lang in LANGUAGES], dtype=object)


def term_share(term: PlantedTerm, created: np.ndarray, end: pd.Timestamp) -> np.ndarray:
    """Chance that a planted-segment summary carries the term: 0 before its start, then a
    logistic rise that reaches `peak_share` at the end of the data."""
    first = np.datetime64(end - pd.Timedelta(days=term.first_day), "s")
    progress = (created - first) / np.timedelta64(term.first_day, "D")
    rising = term.peak_share / (1 + np.exp(-8 * (progress - 0.6))) * (1 + np.exp(-3.2))
    return np.where(created >= first, np.minimum(rising, term.peak_share), 0.0)


def summaries(rng: np.random.Generator, cases: pd.DataFrame, end: pd.Timestamp) -> np.ndarray:
    """One summary per case from its language, abuse_category, market and created_at."""
    language = cases["language"].to_numpy()
    lang = np.select([language == "kk", language == "ru"], [2, 1], 0)
    category = pd.Categorical(cases["abuse_category"], categories=CATEGORY_NAMES).codes
    table = summary_table()
    text = table[lang, category, rng.integers(0, table.shape[2], len(cases))]
    planted = ((cases["market"] == PLANTED_MARKET) & cases["abuse_category"].isin(PLANTED_CATEGORIES)
               ).to_numpy()
    created = cases["created_at"].to_numpy().astype("datetime64[s]")
    for term in PLANTED_TERMS:
        carries = planted & (rng.random(len(cases)) < term_share(term, created, end))
        for language_code, sentence in term.texts.items():
            rows = carries & (language == language_code)
            text[rows] = text[rows] + (" " + sentence)
    return text

