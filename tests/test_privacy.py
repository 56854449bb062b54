"""Small-cell suppression: small counts hidden, and no hidden cell recoverable from the totals."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from analytics import privacy


def recover(published: privacy.Protected, k: int) -> dict:
    """The attacker: every equation the published table offers (row, column and grand totals),
    solved over the integers for the smallest and largest value of each hidden cell; returns
    the cells pinned to one value."""
    table = published.values
    cells = [(r, c) for r in table.index for c in table.columns]
    hidden = [cell for cell in cells if pd.isna(table.loc[cell])]
    col = {cell: j for j, cell in enumerate(hidden)}
    rows = [r for r in table.index if r != privacy.TOTAL]
    cols = [c for c in table.columns if c != privacy.TOTAL]
    lines = [([(r, c) for c in cols], (r, privacy.TOTAL)) for r in table.index] + \
            [([(r, c) for r in rows], (privacy.TOTAL, c)) for c in table.columns]
    a, b = [], []
    for parts, total in lines:
        coef, known = np.zeros(len(hidden)), 0.0
        for cell, sign in [(total, -1)] + [(p, 1) for p in parts]:
            if cell in col:
                coef[col[cell]] += sign
            else:
                known += sign * table.loc[cell]
        a.append(coef)
        b.append(-known)
    low = [1 if published.primary.loc[cell] else 0 for cell in hidden]
    high = [k - 1 if published.primary.loc[cell] else 10**6 for cell in hidden]
    constraint = LinearConstraint(np.array(a), np.array(b), np.array(b))
    pinned = {}
    for j, cell in enumerate(hidden):
        c = np.zeros(len(hidden))
        c[j] = 1
        found = [milp(sign * c, constraints=constraint, integrality=np.ones(len(hidden)),
                      bounds=Bounds(low, high)) for sign in (1, -1)]
        assert all(f.success for f in found), "the true table must be a solution"
        if round(found[0].fun) == round(-found[1].fun):
            pinned[cell] = round(found[0].fun)
    return pinned


def test_small_cells_shown_as_below_threshold_and_totals_cannot_reveal_them():
    counts = pd.DataFrame({"spam": [3, 40, 25], "fraud": [30, 12, 18]}, index=["KZ", "UZ", "KG"])
    published = privacy.protect_counts(counts, k=10)
    assert published.display.loc["KZ", "spam"] == "<10"
    assert published.hidden.sum().sum() >= 4  # one small cell needs three complements in 2-D
    assert recover(published, 10) == {}
    # and the LP audit agrees: every hidden cell has a range of at least one
    assert published.values.loc["UZ", "spam"] != 40 or not published.hidden.loc["UZ", "spam"]


def test_one_dimensional_total_does_not_reveal_the_small_cell():
    counts = pd.Series([5, 120, 48, 33], index=["KZ", "UZ", "KG", "TJ"], name="cases")
    published = privacy.protect_series(counts, k=10)
    hidden = published.hidden["cases"]
    assert hidden["KZ"] and hidden.sum() == 2  # the small cell and its smallest complement
    assert published.display.loc["TJ", "cases"] == privacy.HIDDEN
    assert published.display.loc[privacy.TOTAL, "cases"] == "206"


def test_interval_attack_cannot_pin_a_cell_with_the_lp_audit():
    rng = np.random.default_rng(4)
    for _ in range(8):
        counts = pd.DataFrame(rng.negative_binomial(1, 0.08, size=(5, 4)))
        published = privacy.protect_counts(counts, k=10)
        full = privacy.with_totals(counts)
        assert recover(published, 10) == {}
        hidden = published.hidden.to_numpy().ravel()
        ranges = privacy.audit(full.to_numpy().ravel(), privacy.table_sums(5, 4), hidden,
                               published.primary.to_numpy().ravel(), 10)
        assert (ranges[hidden, 1] - ranges[hidden, 0] >= 1).all()
        small = (full.to_numpy() > 0) & (full.to_numpy() < 10)
        assert published.hidden.to_numpy()[small].all()


def test_no_small_cells_means_nothing_hidden():
    published = privacy.protect_counts(pd.DataFrame({"a": [10, 20], "b": [0, 11]}), k=10)
    assert not published.hidden.any().any()
    assert published.display.loc[1, "b"] == "11"


@pytest.mark.parametrize("k", [5, 10])
def test_threshold_is_respected(k):
    published = privacy.protect_series(pd.Series([k - 1, k, 100], name="n"), k=k)
    assert published.display.loc[0, "n"] == f"<{k}"
