"""Small-cell suppression for anything that leaves the app (snapshots, exports).

A count below the threshold (setting ESCALATION_RADAR_MIN_CELL, default 10) is published as
"<10". Suppressing it alone is not enough when a total is published: total − the other cells
gives it back. So cells are suppressed in complement until no hidden cell can be recovered.

The model is general: a table is a vector of cells and a list of published sums
(`total cell = sum of part cells`); a 2-D table with row, column and grand totals is one case
(`protect_counts`). Suppression is greedy — a sum with exactly one hidden member gets a second
(the smallest other part) — and then audited the way an attacker would: for every hidden cell a
linear program finds the smallest and largest value consistent with everything published, with
primary cells known to lie in [1, threshold − 1]; a cell whose range is narrower than 1 is
recoverable and gets another complement. `audit` is the same attack, used by the tests.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import settings

TOTAL = "Total"
HIDDEN = "n/p"  # complementary suppression: not published, to protect a small cell


def threshold() -> int:
    return int(settings.get("ESCALATION_RADAR_MIN_CELL"))


def small_label(k: int) -> str:
    return f"<{k}"


@dataclass(frozen=True)
class Protected:
    """A published table: `values` (NaN where hidden), `display` (text), the masks."""
    values: pd.DataFrame
    display: pd.DataFrame
    primary: pd.DataFrame
    complementary: pd.DataFrame
    threshold: int

    @property
    def hidden(self) -> pd.DataFrame:
        return self.primary | self.complementary


def _bounds(values: np.ndarray, hidden: np.ndarray, primary: np.ndarray, k: int) -> list:
    """What an attacker knows of each hidden cell: a primary one is in [1, k−1]; a complement
    is ≥ k (or ≥ 0 if it is 0: the attacker is assumed to know which kind each cell is)."""
    out = []
    for i in np.flatnonzero(hidden):
        out.append((1, k - 1) if primary[i] else ((k, None) if values[i] >= k else (0, None)))
    return out


def audit(values: np.ndarray, sums: list[tuple[int, list[int]]], hidden: np.ndarray,
          primary: np.ndarray, k: int) -> np.ndarray:
    """The (min, max) an attacker can infer for every cell (exact for published cells)."""
    values = np.asarray(values, float)
    idx = np.flatnonzero(hidden)
    ranges = np.column_stack([values, values])
    if not len(idx):
        return ranges
    col = {cell: j for j, cell in enumerate(idx)}
    rows, rhs = [], []
    for total, parts in sums:
        coef, known = np.zeros(len(idx)), 0.0
        for cell, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if hidden[cell]:
                coef[col[cell]] += sign
            else:
                known += sign * values[cell]
        if coef.any():
            rows.append(coef)
            rhs.append(-known)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    bounds = _bounds(values, hidden, primary, k)
    from scipy.optimize import (
        linprog,  # here: importing it costs ~1 s, on every page's start
    )
    for j, cell in enumerate(idx):
        c = np.zeros(len(idx))
        c[j] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        ranges[cell] = (low.fun if low.success else -np.inf,
                        -high.fun if high.success and high.status == 0 else np.inf)
    return ranges


def _complement_once(values, sums, hidden) -> bool:
    """Hide the smallest other part of each published sum with exactly one hidden member."""
    changed = False
    for total, parts in sums:
        members = [total, *parts]
        if sum(hidden[m] for m in members) != 1:
            continue
        candidates = [p for p in parts if not hidden[p]] or [total]
        candidates = [p for p in candidates if not hidden[p]]
        if candidates:
            # prefer non-zero cells: a hidden 0 next to a small cell protects little
            pick = min(candidates, key=lambda p: (values[p] == 0, values[p]))
            hidden[pick] = changed = True
    return changed


def suppress(values, sums: list[tuple[int, list[int]]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(hidden mask, primary mask) for cells `values` with published `sums`."""
    values = np.asarray(values, float)
    primary = (values > 0) & (values < k)
    hidden = primary.copy()
    for _ in range(len(values) + 1):
        while _complement_once(values, sums, hidden):
            pass
        ranges = audit(values, sums, hidden, primary, k)
        exposed = [i for i in np.flatnonzero(hidden) if ranges[i, 1] - ranges[i, 0] < 1]
        if not exposed:
            return hidden, primary
        added = False
        for i in exposed:  # one more complement in a published sum through each exposed cell
            line = next((m for t, p in sums if i in (t, *p)
                         for m in sorted(p, key=lambda c: values[c]) if not hidden[m]), None)
            if line is None:
                line = next((t for t, p in sums if i in p and not hidden[t]), None)
            if line is not None:
                hidden[line] = added = True
        if not added:
            return hidden, primary
    return hidden, primary


def table_sums(n_rows: int, n_cols: int) -> list[tuple[int, list[int]]]:
    """Published sums of an (n_rows + 1) × (n_cols + 1) table whose last row and column are
    totals, cells numbered row-major."""
    width = n_cols + 1
    cell = lambda r, c: r * width + c  # noqa: E731
    sums = [(cell(r, n_cols), [cell(r, c) for c in range(n_cols)]) for r in range(n_rows + 1)]
    sums += [(cell(n_rows, c), [cell(r, c) for r in range(n_rows)]) for c in range(n_cols + 1)]
    return sums


def with_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """`counts` with a Total column and a Total row appended."""
    out = counts.astype(float).copy()
    out[TOTAL] = out.sum(axis=1)
    out.loc[TOTAL] = out.sum(axis=0)
    return out


def protect_counts(counts: pd.DataFrame, *, k: int | None = None) -> Protected:
    """Rows × columns of counts → the publishable table with totals, small cells hidden."""
    k = threshold() if k is None else k
    full = with_totals(counts.fillna(0))
    n_rows, n_cols = counts.shape
    hidden, primary = suppress(full.to_numpy().ravel(), table_sums(n_rows, n_cols), k)
    shape = full.shape
    hidden = pd.DataFrame(hidden.reshape(shape), index=full.index, columns=full.columns)
    primary = pd.DataFrame(primary.reshape(shape), index=full.index, columns=full.columns)
    complementary = hidden & ~primary
    display = full.map(lambda v: f"{v:,.0f}").astype(object)
    display[primary] = small_label(k)
    display[complementary] = HIDDEN
    return Protected(full.mask(hidden), display, primary, complementary, k)


def protect_series(counts: pd.Series, *, k: int | None = None) -> Protected:
    """One column of counts with its total (a 1-D table)."""
    return protect_counts(counts.to_frame(counts.name or "cases"), k=k)


def mask_rates(frame: pd.DataFrame, denominator: str, columns: list[str], *,
               k: int | None = None) -> pd.DataFrame:
    """Rates, medians and other statistics of fewer than k cases are not published (NaN)."""
    k = threshold() if k is None else k
    small = frame[denominator].fillna(0) < k
    out = frame.copy()
    for column in columns:
        out[column] = out[column].mask(small)
    return out
