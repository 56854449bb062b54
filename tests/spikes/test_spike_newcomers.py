"""New segments (issue #15 point 2), known answers: a brand-new category burst is a spike of that
category; a new category of ordinary volume is no event; a renamed category (one stops as
another of similar volume starts) is a data change; a category present from an export's first
day is quiet through its warm-up."""
from __future__ import annotations

import numpy as np
import pandas as pd

from spike_fixture import grouping_sets

from analytics.coverage import Coverage
from analytics.spikes.detect import find_spikes

DAYS = pd.date_range("2025-01-01", periods=120)
SETS = [(), ("market",), ("abuse_category",), ("market", "abuse_category")]


def counts(per_category: dict[str, np.ndarray]) -> pd.DataFrame:
    """spike_counts_daily's shape for one market KZ, categories with given daily counts."""
    cells = pd.concat([pd.DataFrame({"bucket": DAYS, "market": "KZ", "abuse_category": c,
                                     "source": None, "cases": y}) for c, y in per_category.items()])
    cells = cells[cells["cases"] > 0]        # the mart has rows only where there were cases
    return grouping_sets(cells, SETS)


def steady(level: float, seed: int, start: int = 0, stop: int = len(DAYS)) -> np.ndarray:
    y = np.random.default_rng(seed).poisson(level, len(DAYS))
    y[:start] = 0
    y[stop:] = 0
    return y


BASE = {"spam": steady(40, 1), "scam": steady(25, 2), "hate": steady(12, 3)}


def segments(events: pd.DataFrame) -> list[dict]:
    return [dict(s) for s in events["segment"]]


def test_a_brand_new_category_burst_is_a_spike_of_that_category():
    burst = np.zeros(len(DAYS), int)
    burst[90] = 300                                  # hundreds of cases in a category never seen
    scored, events = find_spikes(counts(BASE | {"doxxing": burst}))
    assert {"market": "KZ", "abuse_category": "doxxing"} in segments(events) or \
        {"abuse_category": "doxxing"} in segments(events)
    event = events.iloc[0]
    assert "doxxing" in event["headline"] and pd.Timestamp(event["start"]) == DAYS[90]


def test_a_new_category_of_ordinary_volume_is_no_event():
    scored, events = find_spikes(counts(BASE | {"doxxing": steady(15, 4, start=80)}))
    assert events.empty, events[["segment", "start", "observed", "expected"]]
    new = scored[(scored["abuse_category"] == "doxxing") & (scored["bucket"] == DAYS[80])]
    assert (new["expected"] > 5).all()   # what its siblings predict, not a zero history


def test_a_renamed_category_is_a_data_change_not_a_spike():
    renamed = BASE | {"scam": steady(25, 2, stop=70), "fraud": steady(25, 5, start=70)}
    scored, events = find_spikes(counts(renamed))
    assert events.empty, events[["segment", "start", "observed", "expected"]]
    changes = scored[scored["is_data_change"]]
    assert set(changes["abuse_category"]) == {"fraud"}
    assert (changes["bucket"] == DAYS[70]).all()


def test_a_category_present_from_the_exports_first_day_is_quiet():
    late = {c: np.where(np.arange(len(DAYS)) >= 30, y, 0) for c, y in BASE.items()}
    late["doxxing"] = steady(30, 6, start=30)
    cover = Coverage(pd.DataFrame({"first_date": [DAYS[30]], "last_date": [DAYS[-1]],
                                   "first_at": [DAYS[30]], "last_at": [DAYS[-1]],
                                   "is_date_only": [False]}))
    scored, events = find_spikes(counts(late), coverage=cover)
    assert events.empty and not scored["is_data_change"].any()
