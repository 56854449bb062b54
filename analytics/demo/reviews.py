"""The demo's vendor review log: one decision per resolved case, plus appeal re-reviews by the
in-house team and a few second opinions, each by a pseudonymous reviewer, some sampled by QA.

Handle time (claimed_at → decided_at) grows with the case's complexity and the vendor's speed at
the time, so the degrading vendor slows down over the year and the vendor that gets the hardest
cases looks slow; QA verdicts follow each vendor's (possibly falling) accuracy.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.demo.lifecycle import hours, vendor_accuracy, vendor_speed
from analytics.demo.world import VENDORS

QA_SAMPLE_SHARE, SECOND_OPINION_SHARE = 0.07, 0.05
HANDLE_MEDIAN_MIN = 6.0
IN_HOUSE = next(i for i, v in enumerate(VENDORS) if not v.exports_due_times)


def reviewer_pools(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reviewer ids ("R-7f3a"), and each vendor's first index and size in that array."""
    sizes = np.array([v.reviewers for v in VENDORS])
    numbers = rng.choice(16 ** 4, size=sizes.sum(), replace=False)
    ids = np.array([f"R-{x:04x}" for x in numbers], dtype=object)   # one per reviewer, not per case
    return ids, np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes


def pick_reviewers(rng, pools, vendor: np.ndarray) -> np.ndarray:
    """A reviewer of each row's vendor; some reviewers handle far more than others."""
    ids, first, size = pools
    return ids[first[vendor] + np.floor(size[vendor] * rng.random(len(vendor)) ** 1.6).astype(int)]


def decisions(rng, base: pd.DataFrame, decided: np.ndarray, pools, vendor=None) -> pd.DataFrame:
    """Review rows deciding `base` (cases plus vendor_code, complexity, year_fraction, decision)
    at `decided`, by the case's vendor unless another is given."""
    vendor = base["vendor_code"].to_numpy() if vendor is None else vendor
    speed = vendor_speed(vendor, base["year_fraction"].to_numpy())
    handle_h = rng.lognormal(np.log(HANDLE_MEDIAN_MIN * base["complexity"].to_numpy() * speed), 0.5) / 60
    created = base["created_at"].to_numpy().astype("datetime64[s]")
    claimed = np.maximum(decided - hours(handle_h), created)
    accuracy = vendor_accuracy(vendor, base["year_fraction"].to_numpy())
    return pd.DataFrame({
        "case_id": base["case_id"].to_numpy(), "vendor": np.array([v.name for v in VENDORS])[vendor],
        "reviewer_id": pick_reviewers(rng, pools, vendor), "queue": base["queue"].to_numpy(),
        "market": base["market"].to_numpy(), "language": base["language"].to_numpy(),
        "claimed_at": claimed, "decided_at": decided, "decision": base["decision"].to_numpy(),
        "accuracy": accuracy})


def appeal_decisions(cases: pd.DataFrame) -> pd.DataFrame:
    """Decided appeals as cases re-decided by the in-house team: overturned actions are reversed."""
    appeals = cases[cases["appeal_outcome"].isin(["upheld", "overturned"])]
    overturned = appeals["appeal_outcome"].eq("overturned")
    return appeals.assign(decision=appeals["outcome"].where(~overturned, "no_violation"))


def build_reviews(rng, cases: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The review log for `cases` (with helper columns vendor_code, complexity, year_fraction)."""
    end = np.datetime64(end, "s")
    pools = reviewer_pools(rng)
    primary = cases[cases["resolved_at"].notna()].assign(decision=lambda d: d["outcome"])
    resolved_at = primary["resolved_at"].to_numpy().astype("datetime64[s]")
    appeals = appeal_decisions(cases)
    second = rng.random(len(primary)) < SECOND_OPINION_SHARE
    later = resolved_at[second] + hours(rng.lognormal(np.log(24), 0.7, second.sum()))
    parts = [decisions(rng, primary, resolved_at, pools),
             decisions(rng, appeals, appeals["updated_at"].to_numpy().astype("datetime64[s]"), pools,
                       vendor=np.full(len(appeals), IN_HOUSE)),
             decisions(rng, primary[second], later, pools)]
    reviews = pd.concat(parts, ignore_index=True)
    reviews = reviews[reviews["decided_at"] <= end].sort_values("decided_at", kind="stable")
    return with_qa(rng, reviews.reset_index(drop=True))


def with_qa(rng, reviews: pd.DataFrame) -> pd.DataFrame:
    """Ids and QA columns: a sample is checked; correct decisions score high, wrong ones low."""
    n = len(reviews)
    sampled = rng.random(n) < QA_SAMPLE_SHARE
    correct = rng.random(n) < reviews["accuracy"].to_numpy()
    score = np.where(correct, 100 - rng.gamma(2, 4, n), rng.normal(55, 15, n)).clip(0, 100).round(1)
    ids = np.char.add("RV-", np.char.zfill(np.arange(1, n + 1).astype(str), 8))
    return reviews.drop(columns=["accuracy"]).assign(
        review_id=ids.astype(object),
        is_qa_sampled=sampled,
        is_qa_correct=pd.array(np.where(sampled, correct, None), dtype="boolean"),
        qa_score=np.where(sampled, score, np.nan))
