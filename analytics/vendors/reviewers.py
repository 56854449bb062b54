"""The spread of reviewer performance inside a vendor: percentiles of reviewers' median handle
time and QA accuracy, and the reviewers outside Tukey's fences (1.5 IQR beyond the quartiles).

Reviewers with fewer than `min_decisions` decisions (or QA samples, for accuracy) are left out
of both: a new reviewer's three decisions say nothing about their pace. Ids are the mart's
pseudonyms only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
MEASURES = {"handle_time_median_s": "decisions", "qa_accuracy_pct": "qa_sampled"}


def _eligible(reviewers: pd.DataFrame, measure: str, min_count: int) -> pd.DataFrame:
    rows = reviewers[reviewers[MEASURES[measure]] >= min_count]
    return rows[rows[measure].notna()]


def reviewer_spread(reviewers: pd.DataFrame, *, min_decisions: int = 20,
                    min_qa_sampled: int = 5) -> pd.DataFrame:
    """One row per vendor and measure: reviewers counted, p10, p25, p50, p75, p90."""
    parts = []
    for measure, minimum in (("handle_time_median_s", min_decisions),
                             ("qa_accuracy_pct", min_qa_sampled)):
        rows = _eligible(reviewers, measure, minimum)
        if rows.empty:
            continue
        q = rows.groupby("vendor")[measure].quantile(list(QUANTILES)).unstack()
        q.columns = [f"p{round(x * 100)}" for x in QUANTILES]
        q.insert(0, "reviewers", rows.groupby("vendor").size())
        parts.append(q.reset_index().assign(measure=measure))
    columns = ["vendor", "measure", "reviewers"] + [f"p{round(x * 100)}" for x in QUANTILES]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def reviewer_outliers(reviewers: pd.DataFrame, *, min_decisions: int = 20,
                      min_qa_sampled: int = 5) -> pd.DataFrame:
    """Reviewers slower than Q3 + 1.5 IQR of their vendor's median handle times, or less
    accurate than Q1 - 1.5 IQR of its QA accuracies: vendor, reviewer, measure, value, fence.

    >>> r = pd.DataFrame({"vendor": "V", "reviewer": list("abcde"), "decisions": 50,
    ...     "qa_sampled": 10, "handle_time_median_s": [300, 310, 320, 330, 900.0],
    ...     "qa_accuracy_pct": [90, 92, 94, 96, 60.0]})
    >>> reviewer_outliers(r)[["reviewer", "measure"]].values.tolist()
    [['e', 'handle_time_median_s'], ['e', 'qa_accuracy_pct']]
    """
    parts = []
    for measure, minimum, slow_side in (("handle_time_median_s", min_decisions, True),
                                        ("qa_accuracy_pct", min_qa_sampled, False)):
        rows = _eligible(reviewers, measure, minimum)
        by_vendor = rows.groupby("vendor")[measure]
        q1, q3 = by_vendor.transform("quantile", 0.25), by_vendor.transform("quantile", 0.75)
        fence = q3 + 1.5 * (q3 - q1) if slow_side else q1 - 1.5 * (q3 - q1)
        outside = rows[measure] > fence if slow_side else rows[measure] < fence
        parts.append(rows.loc[outside, ["vendor", "reviewer", "decisions"]].assign(
            measure=measure, value=rows.loc[outside, measure], fence=fence[outside]))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["vendor", "measure", "reviewer"], ignore_index=True)
