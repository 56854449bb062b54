"""bench/sensitivity.py: the simulator's and the oracle's bookkeeping, on a handful of series."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import sensitivity as bench  # noqa: E402

from analytics.spikes import detect as spikes  # noqa: E402


@pytest.fixture(scope="module")
def world():
    return bench.World.build(n_markets=3, n_categories=4, n_days=240, noise="sn", seed=3)


def test_planted_anomalies_are_where_the_truth_says(world):
    sim = world.sim
    assert len(sim.anomalies) >= 10 and set(sim.anomalies["kind"]) == {"rise", "surge"}
    marked = np.zeros(sim.mean.shape, bool)
    for a in sim.anomalies.itertuples():
        span = slice(a.start, a.start + a.length)
        marked[a.leaf, span] = True
        assert a.start >= bench.WARMUP_DAYS
        assert (sim.planted_mean[a.leaf, span] > sim.mean[a.leaf, span]).all()
        assert sim.leaf_market[a.leaf] == a.market and sim.leaf_category[a.leaf] == a.abuse_category
        assert bench.band_of(sim.base[a.leaf]) == a.band
    # nothing else differs between the clean and the planted log, or their truths
    assert np.array_equal(sim.planted[~marked], sim.clean[~marked])
    assert np.array_equal(sim.planted_mean[~marked], sim.mean[~marked])
    # a parent is the sum of its leaves: the all-cases series holds every planted case
    assert np.allclose(world.planted_all[0], sim.planted.sum(axis=0))


def test_oracle_p_of_a_planted_ten_sd_day_is_tiny(world):
    sim = world.sim
    for mean, ratio in ((2.0, 1.0), (2.0, 2.0), (20.0, 3.0), (150.0, 3.0), (150.0, 16.0)):
        var = ratio * mean
        assert bench.upper_tail(mean + 10 * np.sqrt(var), mean, var) < 1e-4
        assert bench.upper_tail(np.ceil(mean), mean, var) > 0.3
    tens = sim.anomalies[sim.anomalies["size"].eq("+10sd")]
    assert len(tens)
    leaf_rows = len(world.hier) - len(sim.base) + tens["leaf"].to_numpy()
    p = world.p_planted[leaf_rows, tens["start"].to_numpy()]
    assert np.median(p) < 1e-4 and p.max() < 1e-3
    # and the oracle's detection probability says so too
    assert (bench.oracle_easiness(sim, 1e-4)[tens.index] > 0.8).all()


def test_oracle_false_events_on_a_clean_log_match_the_expected_count():
    clean = bench.World.build(n_markets=3, n_categories=4, n_days=240, noise="x3", seed=5,
                              plant=False)
    sim, p_star = clean.sim, 1e-2
    assert not len(sim.anomalies) and np.array_equal(sim.clean, sim.planted)
    var_all = clean.hier.total(sim.ratio[:, None] * sim.mean)
    # expected number of flagged segment-days: P(Y >= the critical count) under the truth
    crit = bench.critical_count(p_star, clean.mean_all, var_all)
    expected_flags = bench.upper_tail(crit, clean.mean_all, var_all)
    leaves = slice(len(clean.hier) - len(sim.base), None)
    flags = clean.p_clean <= p_star
    want, got = expected_flags[leaves].sum(), flags[leaves].sum()
    assert abs(got - want) < 4 * np.sqrt(want) + 2, (got, want)
    # grouped into events as the product groups them: no more events than flags, and
    # (isolated flags at this rate) most flags are an event of their own
    run = bench.oracle_run(clean.hier, sim, clean.clean_all, clean.mean_all, clean.p_clean, p_star)
    n_events = len(run.events)
    assert 0.5 * expected_flags.sum() < n_events <= flags.sum()
    late = bench.false_events(run, sim)
    assert sum(late.values()) <= n_events and set(late) == set(bench.LEVELS)


def test_grouping_by_clusters_equals_the_products_spike_events(world):
    run = bench.oracle_run(world.hier, world.sim, world.planted_all, world.mean_all,
                           world.p_planted, 1e-2)
    seg, day = np.nonzero(run.flags)
    frame = world.hier.frame(world.sim, world.planted_all)
    frame["expected"] = world.mean_all.ravel()
    frame["p_value"] = world.p_planted.ravel()
    frame["score"] = np.minimum(1.0, -np.log10(np.fmax(frame["p_value"], 1e-300)) / 10)
    frame["is_anomaly"] = run.flags.ravel()
    ours = bench.grouped_events(frame)
    theirs = spikes.spike_events(frame, keys=bench.KEYS, grain="day")
    assert len(theirs) > 20
    assert sorted(ours["event_id"]) == sorted(theirs["event_id"])
    assert sorted(ours["related"]) == sorted(theirs["related"])


def test_kpi_frame_sums_the_leaves_and_team_alerts_count_every_market(world):
    kpi = bench.kpi_frame(world)
    assert set(kpi["metric"]) == {"sla_breach_rate", "first_response_median_s"}
    rates = kpi[kpi["metric"].eq("sla_breach_rate")]
    top = rates[rates["market"].isna() & rates["abuse_category"].isna()].sort_values("bucket")
    leaves = rates[rates["market"].notna() & rates["abuse_category"].notna()]
    assert np.allclose(top["breaches"].to_numpy(), leaves.groupby("bucket")["breaches"].sum().to_numpy())
    assert (rates["breaches"] <= rates["cases"]).all()
    teams = bench.team_alerts(world, {})
    assert teams["teams"] == 3 and teams["per_team_month_max"] >= teams["per_team_month_mean"] >= 0
