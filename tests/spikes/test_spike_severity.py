"""One severity scale and one sensitivity setting (issue #15 point 5): events carry a named
severity; the setting moves what becomes an event along the same scale."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.spikes import severity
from analytics.spikes.detect import find_spikes


def counts(bumps: dict[int, int]) -> pd.DataFrame:
    y = np.random.default_rng(11).poisson(40, 120)
    for day, extra in bumps.items():
        y[day] += extra
    return pd.DataFrame({"bucket": pd.date_range("2025-01-01", periods=120), "market": None,
                         "abuse_category": None, "source": None, "cases": y})


BUMPS = {60: 28, 80: 38, 100: 130}   # a mild, a moderate and a huge day over ~40


@pytest.mark.parametrize("level", ["low", "standard", "high"])
def test_each_event_is_named_on_the_scale(level):
    _, events = find_spikes(counts(BUMPS), **severity.knobs(level))
    assert len(events)
    assert set(events["severity"]) <= {"low", "medium", "high", "critical"}
    for row in events.itertuples():
        assert row.severity == severity.severity(row.p_value)


def test_sensitivity_levels_nest():
    found = {level: set(find_spikes(counts(BUMPS), **severity.knobs(level))[1]["start"])
             for level in severity.LEVELS}
    assert found["low"] <= found["standard"] <= found["high"]
    assert found["low"] < found["high"]


def test_the_setting_is_read_and_checked(monkeypatch):
    monkeypatch.setenv("ESCALATION_RADAR_SPIKE_SENSITIVITY", "low")
    assert severity.knobs() == {"alpha": 1e-6}
    monkeypatch.setenv("ESCALATION_RADAR_SPIKE_SENSITIVITY", "paranoid")
    with pytest.raises(ValueError, match="spike sensitivity must be one of"):
        severity.knobs()
