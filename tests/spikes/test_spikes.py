"""The spike detector on seeded series with spikes planted at known positions."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.spikes import detect as spikes
from analytics.spikes.model import SpikeSettings, score_matrix

DAYS = pd.date_range("2025-01-06", periods=200, freq="D")   # starts on a Monday
WEEK = np.array([1.0, 1.1, 1.05, 1.0, 0.95, 0.55, 0.45])


def seeded(n_series: int = 40, level: float = 30.0, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mu = level * WEEK[DAYS.day_of_week.to_numpy()]
    counts = rng.poisson(mu * rng.gamma(200, 1 / 200, (n_series, len(DAYS))))
    return pd.DataFrame({"source": np.repeat([f"s{i}" for i in range(n_series)], len(DAYS)),
                         "bucket": np.tile(DAYS, n_series), "cases": counts.ravel()})


def plant(frame: pd.DataFrame, where: dict[str, int], add: int = 120) -> pd.DataFrame:
    out = frame.copy()
    for source, day in where.items():
        out.loc[(out["source"] == source) & (out["bucket"] == DAYS[day]), "cases"] += add
    return out


def flagged(scored: pd.DataFrame) -> set[tuple[str, int]]:
    rows = scored[scored["is_anomaly"]]
    return {(s, DAYS.get_loc(b)) for s, b in zip(rows["source"], rows["bucket"])}


def test_planted_spikes_are_flagged_there_and_nowhere_else():
    planted = {"s1": 60, "s7": 150, "s20": 199, "s33": 95}
    scored = spikes.detect_spikes(plant(seeded(), planted), keys=["source"])
    assert flagged(scored) == set(planted.items())
    assert scored.loc[scored["is_anomaly"], "score"].min() > 0.3


def test_input_unchanged_and_output_aligned():
    frame = plant(seeded(5), {"s1": 80}).sample(frac=1.0, random_state=1)   # any row order
    before = frame.copy()
    scored = spikes.detect_spikes(frame, keys=["source"])
    pd.testing.assert_frame_equal(frame, before)
    assert scored.index.equals(frame.index)
    pd.testing.assert_frame_equal(scored[frame.columns], frame)
    assert scored["score"].between(0, 1).all() and scored["p_value"].between(0, 1).all()
    assert set(spikes.RESULT_COLUMNS) <= set(scored.columns)


def test_causal_appending_future_buckets_changes_no_past_score():
    frame = plant(seeded(8), {"s2": 120})
    short = frame[frame["bucket"] < DAYS[130]]
    full = spikes.detect_spikes(frame, keys=["source"]).loc[short.index]
    part = spikes.detect_spikes(short, keys=["source"])
    for column in ("expected", "p_value", "score", "is_anomaly"):
        np.testing.assert_array_equal(full[column].to_numpy(), part[column].to_numpy())


@pytest.mark.parametrize("value", [0.0, 3.0, 250.0])
def test_constant_series_never_flood(value):
    result = score_matrix(np.full((3, 300), value), phases=np.arange(300) % 7)
    assert not result["is_anomaly"].any()
    assert np.isfinite(result["expected"]).all()


def test_zero_heavy_series_flag_a_real_burst_only():
    rng = np.random.default_rng(5)
    values = (rng.random((50, 300)) < 0.05).astype(float)   # mostly zeros, the odd single case
    values[10, 250] = 25
    result = score_matrix(values, phases=np.arange(300) % 7)
    assert list(zip(*np.nonzero(result["is_anomaly"]))) == [(10, 250)]


def test_a_holiday_dip_is_no_spike_and_teaches_no_bump_after():
    days = pd.date_range("2024-12-01", "2025-05-31", freq="D")
    rng = np.random.default_rng(11)
    cases = rng.poisson(40 * WEEK[days.day_of_week.to_numpy()])
    holiday = days.isin(pd.date_range("2025-03-21", "2025-03-25"))   # Nauryz in KZ
    cases[holiday] = 2
    frame = pd.DataFrame({"market": "KZ", "bucket": days, "cases": cases})
    for direction in ("up", "both"):
        scored = spikes.detect_spikes(frame, keys=["market"], direction=direction)
        assert not scored["is_anomaly"].any(), scored[scored["is_anomaly"]]
    without_calendar = spikes.detect_spikes(frame.assign(market="nowhere"), keys=["market"],
                                            direction="both")
    assert without_calendar.loc[holiday, "is_anomaly"].sum() >= 3   # the calendar saved it


def test_min_volume_and_min_ratio_gate_tiny_and_small_changes():
    values = np.full((2, 120), 2.0)
    values[0, 100] = 9            # 4.5× but below min_count
    big = np.full((1, 120), 5000.0) + np.random.default_rng(1).normal(0, 5, 120).round()
    big[0, 100] = 5800            # highly significant but only +16%
    assert not score_matrix(values)["is_anomaly"].any()
    assert not score_matrix(big)["is_anomaly"].any()
    precise = SpikeSettings(min_ratio=1.1, min_dispersion=0.001)
    assert score_matrix(big, settings=precise)["is_anomaly"][0, 100]


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="no column"):
        spikes.detect_spikes(pd.DataFrame({"bucket": DAYS}), keys=[])
    with pytest.raises(ValueError, match="direction"):
        spikes.detect_spikes(seeded(1), keys=["source"], direction="sideways")
    with pytest.raises(ValueError, match="more than one row"):
        spikes.detect_spikes(pd.concat([seeded(1)] * 2), keys=["source"])


def test_hourly_alpha_is_a_chance_per_day():
    """An hour is one of 24 tests a day: an hourly bucket needs alpha / 24 and reports its
    p-value × 24, so a sensitivity level raises no more false events a day at hourly than at
    daily grain (round 7, bench/sensitivity_shown.py: 7-12 false hourly events a month per 200
    series before). 60 Poisson series of 96 cases a day over a diurnal profile, 60 days: 3
    flagged hours before, none now; the smallest reported p is above the alpha."""
    rng = np.random.default_rng(3)
    n, days = 60, 60
    hours = pd.date_range("2026-01-05", periods=days * 24, freq="h")
    profile = 0.2 + np.exp(-((np.arange(24) - 14) ** 2) / 32)
    mean = 96 * np.tile(profile / profile.sum(), days)
    values = rng.poisson(np.broadcast_to(mean, (n, days * 24))).astype(float)
    frame = pd.DataFrame({"market": np.repeat([f"m{i}" for i in range(n)], days * 24),
                          "bucket": np.tile(hours, n), "cases": values.ravel()})
    scored = spikes.detect_spikes(frame, keys=["market"], grain="hour", **spikes.HOURLY_DEFAULTS)
    assert not scored["is_anomaly"].any()
    assert scored["p_value"].min() > SpikeSettings().alpha
    assert spikes.TESTS_PER_DAY == {"day": 1, "hour": 24}


def test_cli_csv_without_events_still_has_its_header(capsys):
    """`python -m analytics spikes --format csv` with no event prints the header row (it printed
    an empty line: tests/ui/test_spikes_app.py's hourly csv on the spike demo has no hourly event
    since round 7's per-day alpha), the same columns as a csv with events."""
    import sys

    from analytics.spikes import cli

    assert list(cli._flat([]).columns) == cli.CSV_COLUMNS
    cli._flat([]).to_csv(sys.stdout, index=False)
    assert capsys.readouterr().out.startswith("event_id,segment,metric,direction,grain,start")
    one = {"event_id": "x", "metric": "cases", "direction": "up", "grain": "day", "segment": {"market": "KZ"},
           "start": "2026-01-01", "peak": "2026-01-01", "end": "2026-01-01", "buckets": 1,
           "observed": 30.0, "expected": 10.0, "excess": 20.0, "score": 0.5, "p_value": 1e-6,
           "severity": "high", "related": 0, "headline": "KZ", "components": [],
           "components_share": None}
    assert list(cli._flat([one]).columns) == cli.CSV_COLUMNS
