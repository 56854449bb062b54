"""What changed this period vs the previous weeks: terms whose share of cases moved most.

Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
Words"): the prior for each term is its share over both periods times `prior_size`, which
shrinks rare terms toward no change, and the z-score divides by the estimate's spread, so a
common word moving a little and a rare one appearing from nowhere are on one scale.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.text_incidence import TermIncidence


def compare_periods(incidence: TermIncidence, cases: pd.DataFrame, as_of, *, recent_days: int = 7,
                    previous_days: int = 28, prior_size: float = 500.0, min_cases: int = 3,
                    rows: np.ndarray | None = None) -> pd.DataFrame:
    """One row per term with recent and previous case counts, log-odds and z (rising first).
    `rows` limits the cases (a boolean mask, e.g. one market)."""
    as_of = pd.Timestamp(as_of).normalize()
    age = (as_of - pd.to_datetime(cases["created_date"])).dt.days.to_numpy()
    keep = np.ones(len(cases), bool) if rows is None else np.asarray(rows, bool)
    recent = keep & (age >= 0) & (age < recent_days)
    previous = keep & (age >= recent_days) & (age < recent_days + previous_days)
    y_recent = np.asarray(incidence.matrix[np.flatnonzero(recent)].sum(0)).ravel()
    y_previous = np.asarray(incidence.matrix[np.flatnonzero(previous)].sum(0)).ravel()
    used = np.flatnonzero(y_recent + y_previous >= min_cases)
    yi, yj = y_recent[used], y_previous[used]
    alpha = prior_size * (yi + yj) / max((yi + yj).sum(), 1)
    ni, nj = max(yi.sum(), 1), max(yj.sum(), 1)
    delta = (np.log((yi + alpha) / (ni + prior_size - yi - alpha))
             - np.log((yj + alpha) / (nj + prior_size - yj - alpha)))
    z = delta / np.sqrt(1 / (yi + alpha) + 1 / (yj + alpha))
    out = pd.DataFrame({"term_key": incidence.vocabulary[used], "recent_cases": yi,
                        "previous_cases": yj, "log_odds": delta, "z": z})
    return out.sort_values("z", ascending=False, ignore_index=True)
