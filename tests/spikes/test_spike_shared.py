"""A rise that every member of a parent shares that day (a day shock of a category across its
markets) is the parent's event, not one per member; an incident in one member is still its own
(model.SpikeSettings.shared_rise, round 9 of docs/spikes.md "Sensitivity against an oracle")."""
import numpy as np
import pandas as pd

from analytics.spikes.detect import HOURLY_DEFAULTS, detect_spikes

MARKETS = [f"M{i}" for i in range(8)]
CATEGORIES = ["c1", "c2"]
DAYS = pd.date_range("2026-01-05", periods=150, freq="D")
SHOCK_DAY, LEAF_DAY = 120, 135


def frame(seed: int = 3) -> pd.DataFrame:
    """8 markets × 2 categories of ~40 cases a day whose categories carry shared day shocks
    (gamma, relative variance 0.05, as the ServiceNow sample's); on SHOCK_DAY category c1 is
    ×3 in every market, on LEAF_DAY only M3 × c2 is ×3 (on a day c2 runs 25 % high)."""
    rng = np.random.default_rng(seed)
    shock = rng.gamma(20.0, 1 / 20.0, (len(CATEGORIES), len(DAYS)))
    shock[0, SHOCK_DAY] = 3.0
    shock[1, LEAF_DAY] = 1.25                           # c2's rest ~1.3 sd up: ordinary noise
    mean = 40.0 * shock[:, None, :] * np.ones((1, len(MARKETS), 1))
    mean[1, 3, LEAF_DAY] *= 3.0
    leaves = rng.poisson(mean)                          # (category, market, day)
    rows = []
    for c, cat in enumerate(CATEGORIES):
        for m, market in enumerate(MARKETS):
            rows.append((market, cat, leaves[c, m]))
        rows.append((None, cat, leaves[c].sum(0)))
    for m, market in enumerate(MARKETS):
        rows.append((market, None, leaves[:, m].sum(0)))
    rows.append((None, None, leaves.sum((0, 1))))
    return pd.concat([pd.DataFrame({"market": mk, "abuse_category": ct, "bucket": DAYS, "cases": v})
                      for mk, ct, v in rows], ignore_index=True)


def flagged(scored: pd.DataFrame, day: int) -> set:
    on = scored[scored["bucket"].eq(DAYS[day]) & scored["is_anomaly"]]
    return {(m if isinstance(m, str) else None, c if isinstance(c, str) else None)
            for m, c in zip(on["market"], on["abuse_category"])}


def test_a_rise_every_member_shares_is_the_parents_not_each_members():
    scored = detect_spikes(frame(), keys=["market", "abuse_category"])
    shock = flagged(scored, SHOCK_DAY)
    assert (None, "c1") in shock                        # the category's day: its own event
    assert not {(m, "c1") for m in MARKETS} & shock     # before round 9: all 8 leaves flagged
    assert ("M3", "c2") in flagged(scored, LEAF_DAY)    # one leaf's incident stays its own


def test_off_flags_the_members_as_before():
    scored = detect_spikes(frame(), keys=["market", "abuse_category"], shared_rise=False)
    assert len({(m, "c1") for m in MARKETS} & flagged(scored, SHOCK_DAY)) >= 6


def test_a_parents_rest_within_its_ordinary_noise_moves_nothing():
    """The dead zone: a rest less than 2 sd up leaves the member's p-value as it was (the demo's
    US × spam 2026-08-09, found at p 3.5e-5, sat on a US rest 0.8 sd up)."""
    data = frame()
    on = detect_spikes(data, keys=["market", "abuse_category"])
    off = detect_spikes(data, keys=["market", "abuse_category"], shared_rise=False)
    leaf = on["market"].eq("M3") & on["abuse_category"].eq("c2") & on["bucket"].eq(DAYS[LEAF_DAY])
    assert on.loc[leaf, "p_value"].item() == off.loc[leaf, "p_value"].item() < 5e-5


def test_a_night_hours_rise_is_read_on_its_own_variance_not_the_busy_hours():
    """Hourly (round 9, HOURLY_DEFAULTS variance_power 2): the day's shocks multiply every hour,
    so a busy hour's variance is ~6× its mean while a night hour's stays ~Poisson. Read with the
    busy hours' variance-to-mean ratio (variance_power 1) a night hour of 30 cases against ~3
    expected was no event (p 0.24 a day; 5e-7 read on its own variance)."""
    rng = np.random.default_rng(5)
    days = 45
    profile = np.where((np.arange(24) >= 8) & (np.arange(24) < 20), 100.0, 2.0)
    shock = rng.gamma(20.0, 1 / 20.0, days)                      # relative variance 0.05
    cases = rng.poisson(shock[:, None] * profile[None, :]).ravel()
    night = 40 * 24 + 3                                          # day 40, 03:00
    cases[night] = 30
    data = pd.DataFrame({"bucket": pd.date_range("2026-01-05", periods=days * 24, freq="h"),
                         "cases": cases})
    scored = detect_spikes(data, keys=(), grain="hour", **HOURLY_DEFAULTS)
    assert scored["is_anomaly"].iloc[night]
    before = detect_spikes(data, keys=(), grain="hour", **HOURLY_DEFAULTS | {"variance_power": 1.0})
    assert not before["is_anomaly"].iloc[night]
