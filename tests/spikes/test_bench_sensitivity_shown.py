"""bench/sensitivity_shown.py: the oracle's truth behind shared shocks and the hourly split, the
planted anomalies at every level, and the product run through triage.detect_counts."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import sensitivity_shown as bench  # noqa: E402


@pytest.fixture(scope="module")
def world():
    return bench.World.build(n_markets=4, n_categories=5, n_days=240, hour_days=90, noise="sn",
                             seed=2, parent_logs=1)


@pytest.mark.parametrize("grain", ["day", "hour"])
def test_the_oracles_mean_and_variance_are_the_simulated_ones(world, grain):
    """Standardised clean counts, (count − true mean) / true sd, have mean ~0 and variance ~1 at
    every level: the shocks' covariance (parents) and the multinomial hourly split are in the
    truth the oracle reads."""
    log = world.day if grain == "day" else world.hour
    z = (log.clean - log.mean)[:, log.warm:] / np.sqrt(log.var[:, log.warm:])
    for level in bench.LEVELS:
        rows = world.hier.level == level
        assert abs(z[rows].mean()) < 0.15, (grain, level, z[rows].mean())
        assert 0.75 < z[rows].var() < 1.3, (grain, level, z[rows].var())
    # a parent's shared shocks make it far noisier than a sum of independent leaves
    all_row = np.flatnonzero(world.hier.level == bench.LEVELS[0])[0]
    assert log.var[all_row].mean() > 3 * log.mean[all_row].mean()


def test_anomalies_are_planted_at_every_level_and_only_where_listed(world):
    for log in (world.day, world.hour):
        for name, counts, anomalies in log.planted:
            marked = np.zeros(counts.shape[1], bool)
            for a in anomalies.itertuples():
                marked[a.start:a.start + a.length] = True
                assert a.start >= log.warm
                assert counts[a.row, a.start:a.start + a.length].sum() >= log.clean[a.row, a.start:a.start + a.length].sum()
            if "leaves" not in name:        # one at a time: nothing differs outside them
                assert np.array_equal(counts[:, ~marked], log.clean[:, ~marked])
    levels = set(world.hour.planted[0][2]["level"]) | set(world.day.planted[1][2]["level"])
    assert levels == {"leaf", "market", "category", "all"}


def test_the_product_runs_as_the_pages_do(world):
    """The hourly log through triage.detect_counts: hourly defaults and the per-day alpha (a
    flag's reported p-value is at most the default alpha, never below 24 × the smallest
    per-bucket p)."""
    run = bench.product_run(world.hier, world.hour, world.hour.planted[0][1], {})
    assert run.flags.shape == world.hour.clean.shape and run.flags.any()
    assert set(run.events["grain"]) == {"hour"}
    assert (run.events["p_value"] <= bench.SpikeSettings().alpha).all()
