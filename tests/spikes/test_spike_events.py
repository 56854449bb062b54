"""Grouping flagged buckets into events (cool-down) and across the segment hierarchy."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.spikes import detect as spikes
from analytics.spikes.events import collapse_hierarchy, group_events

DAYS = pd.date_range("2025-01-06", periods=10, freq="D")


def scored(flags: list[int], **segment) -> pd.DataFrame:
    rows = pd.DataFrame({"bucket": DAYS, "cases": 50, "expected": 10.0, "score": 0.2,
                         "p_value": 1e-6, "is_anomaly": np.isin(range(10), flags)})
    return rows.assign(**{k: segment.get(k) for k in ("market", "abuse_category")})


def test_flags_within_the_cooldown_are_one_event_and_later_ones_a_new_one():
    frame = scored([2, 3, 5, 9], market="KZ")
    events = group_events(frame, keys=["market", "abuse_category"], cooldown=1)
    assert events[["start", "end", "buckets"]].values.tolist() == [
        [DAYS[2], DAYS[5], 3], [DAYS[9], DAYS[9], 1]]
    assert events["excess"].tolist() == [120.0, 40.0]
    assert events["segment"].tolist() == [{"market": "KZ"}, {"market": "KZ"}]
    assert group_events(frame, keys=["market", "abuse_category"], cooldown=0)["start"].size == 3


def test_event_ids_are_stable_and_distinct():
    a = group_events(scored([2], market="KZ"), keys=["market", "abuse_category"])
    b = group_events(scored([2], market="KZ"), keys=["market", "abuse_category"])
    c = group_events(scored([2], market="UZ"), keys=["market", "abuse_category"])
    assert a["event_id"][0] == b["event_id"][0] != c["event_id"][0]


def events_at(*segments_excess) -> pd.DataFrame:
    frames = []
    for segment, excess, expected in segments_excess:
        frame = scored([4, 5], **segment).assign(cases=(expected + excess) / 2,
                                                 expected=expected / 2)
        frames.append(group_events(frame, keys=["market", "abuse_category"]))
    return pd.concat(frames, ignore_index=True)


def test_one_surge_seen_at_three_levels_is_reported_once_at_the_specific_segment():
    events = events_at(({"market": "KZ"}, 100, 200), ({"abuse_category": "scam"}, 95, 300),
                       ({"market": "KZ", "abuse_category": "scam"}, 90, 20))
    kept = collapse_hierarchy(events, keys=["market", "abuse_category"])
    assert kept["segment"].tolist() == [{"market": "KZ", "abuse_category": "scam"}]
    assert kept["related"].tolist() == [2]


def test_a_child_with_too_little_of_the_excess_stays_inside_its_parent():
    events = events_at(({"market": "KZ"}, 100, 200),
                       ({"market": "KZ", "abuse_category": "scam"}, 40, 20))
    kept = collapse_hierarchy(events, keys=["market", "abuse_category"])
    assert kept["segment"].tolist() == [{"market": "KZ"}]


def test_unrelated_segments_stay_separate():
    events = events_at(({"market": "KZ", "abuse_category": "scam"}, 50, 10),
                       ({"market": "UZ", "abuse_category": "scam"}, 50, 10))
    assert len(collapse_hierarchy(events, keys=["market", "abuse_category"])) == 2


def test_spike_events_from_detect_spikes_end_to_end():
    rng = np.random.default_rng(2)
    days = pd.date_range("2025-01-06", periods=120, freq="D")
    kz_scam = rng.poisson(20, 120)
    kz_scam[100:102] += 80
    kz_other = rng.poisson(60, 120)
    frame = pd.concat([
        pd.DataFrame({"market": "KZ", "abuse_category": "scam", "bucket": days, "cases": kz_scam}),
        pd.DataFrame({"market": "KZ", "abuse_category": None, "bucket": days,
                      "cases": kz_scam + kz_other})], ignore_index=True)
    events = spikes.spike_events(spikes.detect_spikes(frame, keys=["market", "abuse_category"]),
                                 keys=["market", "abuse_category"])
    assert events["segment"].tolist() == [{"market": "KZ", "abuse_category": "scam"}]
    assert events.loc[0, "start"] == days[100] and events.loc[0, "end"] == days[101]
