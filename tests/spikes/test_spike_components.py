"""Incidents name their parts (issue #15 point 3): an event reported at a broad segment lists the
narrower segments that are anomalous on their own, with their share of its excess; one incident
seen along two dimensions is one event; an extreme part is named in the headline."""
from __future__ import annotations

import numpy as np
import pandas as pd

from spike_fixture import grouping_sets

from analytics.spikes.detect import find_spikes, spike_events

DAYS = pd.date_range("2025-01-01", periods=90)
LEVELS = {"big": 60, "mid": 30, "small": 10, "tiny": 0.3}
SETS = [(), ("market",), ("abuse_category",), ("source",), ("market", "abuse_category"),
        ("market", "source"), ("market", "abuse_category", "source")]


def counts(bursts: dict[tuple[str, str], int], seed: int = 0) -> pd.DataFrame:
    """spike_counts_daily's shape for 3 markets × 4 categories, one source, with bursts added
    on day 80 to some market × category cells."""
    rng = np.random.default_rng(seed)
    rows = []
    for market in "ABC":
        for category, level in LEVELS.items():
            y = rng.poisson(level, len(DAYS))
            y[80] += bursts.get((market, category), 0)
            rows += [(d, market, category, "user", v) for d, v in zip(DAYS, y)]
    cells = pd.DataFrame(rows, columns=["bucket", "market", "abuse_category", "source", "cases"])
    return grouping_sets(cells, SETS)


def test_a_burst_in_a_tiny_category_is_one_event_naming_its_parts():
    _, events = find_spikes(counts({(m, "tiny"): 120 for m in "ABC"}))
    assert len(events) == 1, events[["segment", "headline"]]
    event = events.iloc[0]
    assert event["segment"] == {"abuse_category": "tiny"}
    assert event["related"] >= 2        # all cases and the source, folded into it
    parts = event["components"]
    assert sorted(p["segment"]["market"] for p in parts) == ["A", "B", "C"]
    assert all(p["segment"]["abuse_category"] == "tiny" for p in parts)
    assert abs(sum(p["share"] for p in parts) - event["components_share"]) < 1e-9
    assert event["components_share"] > 0.95
    assert all({"observed", "expected", "excess", "share"} <= set(p) for p in parts)


def test_an_extreme_part_is_named_in_the_headline():
    _, events = find_spikes(counts({("C", "tiny"): 150, ("A", "tiny"): 45, ("B", "tiny"): 45}))
    event = events.iloc[0]
    assert event["segment"] == {"abuse_category": "tiny"}
    assert "driven by C × tiny" in event["headline"]
    assert event["components"][0]["segment"]["market"] == "C"


def test_parts_that_explain_little_are_said_to():
    # all cases 500 vs 300 expected on one day; of its narrower segments only B × tiny is
    # anomalous (41 vs 1): it explains a fifth of the excess, and the headline says so
    def row(market, category, observed, expected, flagged):
        return {"bucket": DAYS[80], "market": market, "abuse_category": category, "source": None,
                "cases": observed, "expected": expected, "score": 1.0 if flagged else 0.0,
                "p_value": 1e-9 if flagged else 0.5, "is_anomaly": flagged}
    scored = pd.DataFrame([row(None, None, 500, 300, True), row("B", "tiny", 41, 1, True),
                           row("A", None, 170, 100, False)])
    events = spike_events(scored, keys=["market", "abuse_category", "source"])
    assert len(events) == 1
    event = events.iloc[0]
    assert event["segment"] == {} and event["related"] == 1
    assert [p["segment"] for p in event["components"]] == [{"market": "B", "abuse_category": "tiny"}]
    assert event["components_share"] == 0.2
    assert event["headline"] == "all cases: the listed parts explain 20% of the excess"


def test_at_most_five_parts_largest_first():
    bursts = {(m, c): 40 + 10 * i for i, (m, c) in enumerate(
        (m, c) for m in "ABC" for c in ("small", "tiny"))}
    _, events = find_spikes(counts(bursts, seed=3))
    parts = events.iloc[0]["components"]
    assert len(parts) <= 5
    assert [p["excess"] for p in parts] == sorted((p["excess"] for p in parts), reverse=True)
