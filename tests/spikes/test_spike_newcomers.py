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


def test_a_new_market_names_its_new_category_for_as_long_as_it_is_flagged():
    """A market first seen inside covered time (ServiceNow's Location 188, 2016-03-29: ~15 cases
    a day where no market had any, 132 of 160 in one new category): its parts are new too, and
    they are judged by what the market's siblings predict, as the market is, not by the level the
    market's own model learnt from its first day. Before, the category was flagged on day 1 only
    and the market's 12-day event said 'the listed parts explain 12 % of the excess', naming
    the constant source instead."""
    rng = np.random.default_rng(7)
    frames = []
    for m in range(12):                                   # twelve old markets of ~8 a day
        for c in ("spam", "scam"):
            frames.append(pd.DataFrame({"bucket": DAYS, "market": f"M{m}", "abuse_category": c,
                                        "source": None, "cases": rng.poisson(4, len(DAYS))}))
    new = {"fraud": rng.poisson(40, len(DAYS)), "spam": rng.poisson(3, len(DAYS))}
    for c, y in new.items():
        frames.append(pd.DataFrame({"bucket": DAYS, "market": "UZ", "abuse_category": c,
                                    "source": None, "cases": np.where(np.arange(len(DAYS)) >= 90, y, 0)}))
    cells = pd.concat(frames)
    scored, events = find_spikes(grouping_sets(cells[cells["cases"] > 0], SETS))
    uz = events[[dict(s).get("market") == "UZ" for s in events["segment"]]]
    assert len(uz), events[["segment", "start", "end", "observed", "expected"]]
    event = uz.iloc[0]
    assert event["buckets"] >= 3
    parts = [dict(p["segment"]) for p in event["components"]]
    named = dict(event["segment"]) == {"market": "UZ", "abuse_category": "fraud"} or \
        {"market": "UZ", "abuse_category": "fraud"} in parts
    assert named, (event["segment"], event["components"], event["headline"])
    if parts:       # before: 'UZ: the listed parts explain 37% of the excess'
        assert event["components_share"] >= 0.5, (event["components"], event["headline"])
