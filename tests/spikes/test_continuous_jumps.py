"""The continuous detector's one-bucket jump test (analytics/spikes/continuous.py
`confirmed_jumps`, issue #15 point 7): a one-bucket burst counts only where it is the highest
of the last `jump_cycles` cycles, in value or in excess over its phase's expected value."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analytics.spikes import kpi_series
from analytics.spikes.continuous import ContinuousSettings, score_continuous, score_positive

FIVE_MINUTES = 288                                  # buckets in a day (the cycle)
SHIPPED = ContinuousSettings(direction="both", warmup=28)


def peaky(days: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """5-minute values around 20 (sd 2) with one peak of 40 every day at 18:00; hour phases."""
    rng = np.random.default_rng(3)
    values = 20 + rng.normal(0, 2, days * FIVE_MINUTES)
    values[18 * 12::FIVE_MINUTES] = 40.0
    return values, (np.arange(days * FIVE_MINUTES) // 12) % 24


def test_a_burst_within_the_last_days_range_is_not_news_and_a_new_high_is():
    """At 03:00 of day 12 a burst to 36: about 8 sd above the quiet night hour's 20 (p ~ 1e-15),
    flagged before the jump test (jump_cycles 0); yet the series reached 40 every day at 18:00,
    also further above its hour's expected value: an ordinary burst, no alert. At 03:00 of day
    13 a burst to 48, higher than anything in 3 days: an alert, with or without the test."""
    values, hours = peaky()
    ordinary, high = 12 * FIVE_MINUTES + 3 * 12, 13 * FIVE_MINUTES + 3 * 12
    values[ordinary], values[high] = 36.0, 48.0
    shipped = kpi_series.continuous_settings()
    assert shipped.jump_cycles == 3.0 and shipped == SHIPPED
    now = score_continuous(values[None], phases=hours, cycle=FIVE_MINUTES, settings=shipped)
    before = score_continuous(values[None], phases=hours, cycle=FIVE_MINUTES,
                              settings=replace(shipped, jump_cycles=0))
    assert before["is_anomaly"][0, ordinary] and before["p_value"][0, ordinary] < 1e-12
    assert not now["is_anomaly"][0, ordinary]
    assert now["is_anomaly"][0, high] and before["is_anomaly"][0, high]
    assert now["side"][0, high] == 1
    late = slice(7 * FIVE_MINUTES, None)             # the daily peaks, once learnt: no alert
    assert np.flatnonzero(now["is_anomaly"][0, late]).tolist() == [high - 7 * FIVE_MINUTES]


def test_a_fall_to_a_new_low_still_alerts_and_an_ordinary_dip_does_not():
    """The same test below the expected value (falls of a positive quantity on log1p): a dip
    to 9 at 03:00 (the series dropped to 2 at 06:00 every day) is no alert; a fall to 0.5, the
    lowest in 3 days, is one, side -1."""
    values, hours = peaky()
    values[6 * 12::FIVE_MINUTES] = 2.0
    ordinary, low = 12 * FIVE_MINUTES + 3 * 12, 13 * FIVE_MINUTES + 3 * 12
    values[ordinary], values[low] = 9.0, 0.5
    now = score_positive(values[None], phases=hours, cycle=FIVE_MINUTES, settings=SHIPPED)
    before = score_positive(values[None], phases=hours, cycle=FIVE_MINUTES,
                            settings=replace(SHIPPED, jump_cycles=0))
    assert before["is_anomaly"][0, ordinary] and not now["is_anomaly"][0, ordinary]
    assert now["is_anomaly"][0, low] and now["side"][0, low] == -1


def test_a_weekday_jump_need_not_outgrow_a_busy_weekend():
    """A daily median first response three times as slow at weekends (a skeleton crew): a
    weekday ×3 stays below the weekends' values, but its excess over the weekday's expected
    value is the largest of 3 weeks, so it alerts as before."""
    days = pd.date_range("2026-01-05", periods=200, freq="D")
    weekday = days.day_of_week.to_numpy()
    rng = np.random.default_rng(4)
    values = 3600 * np.where(weekday >= 5, 3.0, 1.0) * np.exp(rng.normal(0, 0.1, (1, 200)))
    day = 150
    assert weekday[day] < 5
    values[0, day] *= 2.8
    assert values[0, day] < values[0, day - 21:day].max()       # not a new high in value
    out = score_positive(values, phases=weekday, settings=SHIPPED)
    assert out["is_anomaly"][0, day] and out["side"][0, day] == 1


def test_jump_cycles_is_validated():
    with pytest.raises(ValueError, match="jump_cycles"):
        ContinuousSettings(jump_cycles=-1)
    assert ContinuousSettings(jump_cycles=0).jump_span(288) == 0
    assert ContinuousSettings().jump_span(7) == 21
