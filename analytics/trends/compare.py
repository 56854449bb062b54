"""What changed this period vs the previous weeks: terms whose share of cases moved most.

Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
Words"): the prior for each term is its share over both periods times `prior_size`, which
shrinks rare terms toward no change, and the z-score divides by the estimate's spread, so a
common word moving a little and a rare one appearing from nowhere are on one scale.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.text.incidence import TermIncidence


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
    return compare_counts(incidence.counts(recent), incidence.counts(previous),
                          incidence.vocabulary, prior_size=prior_size, min_cases=min_cases)


def compare_counts(y_recent: np.ndarray, y_previous: np.ndarray, vocabulary: np.ndarray, *,
                   prior_size: float = 500.0, min_cases: int = 3) -> pd.DataFrame:
    """`compare_periods` from each term's case counts in the two periods (in float32, the
    precision the statistics have always been computed in)."""
    y_recent, y_previous = np.asarray(y_recent, np.float32), np.asarray(y_previous, np.float32)
    used = np.flatnonzero(y_recent + y_previous >= min_cases)
    yi, yj = y_recent[used], y_previous[used]
    alpha = prior_size * (yi + yj) / max((yi + yj).sum(), 1)
    ni, nj = max(yi.sum(), 1), max(yj.sum(), 1)
    delta = (np.log((yi + alpha) / (ni + prior_size - yi - alpha))
             - np.log((yj + alpha) / (nj + prior_size - yj - alpha)))
    z = delta / np.sqrt(1 / (yi + alpha) + 1 / (yj + alpha))
    out = pd.DataFrame({"term_key": vocabulary[used], "recent_cases": yi,
                        "previous_cases": yj, "log_odds": delta, "z": z})
    return out.sort_values("z", ascending=False, ignore_index=True)


@dataclass(frozen=True)
class PeriodCells:
    """Cells of cases sharing period, market, language and text; `incidence` has one weighted
    row per cell."""
    incidence: TermIncidence
    period: np.ndarray     # 0 recent, 1 previous, 2 earlier
    market: np.ndarray
    language: np.ndarray


def period_cells(incidence: TermIncidence, cases: pd.DataFrame, as_of, *, recent_days: int = 7,
                 previous_days: int = 28) -> PeriodCells:
    """The cases as cells of period (0 recent, 1 previous, 2 earlier) × market × language × text,
    an incidence weighted by cases per cell: what `compare_cells` needs for any market and
    language filter, a few hundred thousand rows at 10M cases instead of millions."""
    as_of = pd.Timestamp(as_of).normalize()
    age = (as_of - pd.to_datetime(cases["created_date"])).dt.days.to_numpy()
    period = np.where((age >= 0) & (age < recent_days), 0,
                      np.where((age >= recent_days) & (age < recent_days + previous_days), 1, 2))
    market, markets = pd.factorize(cases["market"], use_na_sentinel=False)
    language, languages = pd.factorize(cases["language"], use_na_sentinel=False)
    n_texts = incidence.text_matrix.shape[0]
    key = ((period * len(markets) + market) * len(languages) + language) * n_texts \
        + incidence.text_of_case
    cells, weights = np.unique(key, return_counts=True)
    text, rest = cells % n_texts, cells // n_texts
    weighted = TermIncidence(incidence.text_matrix, incidence.vocabulary, text,
                             incidence.text_terms, per_text=True, case_weights=weights.astype(float))
    return PeriodCells(weighted, rest // len(languages) // len(markets),
                       np.asarray(markets, dtype=object)[rest // len(languages) % len(markets)],
                       np.asarray(languages, dtype=object)[rest % len(languages)])


def compare_cells(cells: PeriodCells, markets=(), languages=(), *, prior_size: float = 500.0,
                  min_cases: int = 3) -> pd.DataFrame:
    """`compare_periods` over `period_cells`, limited to `markets` and `languages` (empty = all)."""
    keep = np.ones(len(cells.period), bool)
    if markets:
        keep &= pd.Series(cells.market).isin(markets).to_numpy()
    if languages:
        keep &= pd.Series(cells.language).isin(languages).to_numpy()
    counts = cells.incidence.counts
    return compare_counts(counts(keep & (cells.period == 0)), counts(keep & (cells.period == 1)),
                          cells.incidence.vocabulary,
                          prior_size=prior_size, min_cases=min_cases)
