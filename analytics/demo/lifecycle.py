"""Each demo case's life: first response, resolution, reopenings, appeal, status and SLA due times.

Resolution time = queue wait (short for P0 and for regulator/legal) + handling work (longer for
hard categories and sources, scaled by the vendor's speed, which drifts for the degrading vendor).
Whatever would happen after the end of the data has not happened yet: those cases are open or
pending, which makes open cases naturally recent; some wait days for the reporter, a very few
are stuck for months (old backlog).
Due times follow data/sla_policies.toml; one vendor's export carries none, and a few rows lack
them, so the policy path of stg_cases is exercised too. `is_sla_met` is left null (derived).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import reference
from analytics.demo.cases import PRIORITIES
from analytics.demo.volume import SOURCES
from analytics.demo.world import CATEGORIES, SOURCE_COMPLEXITY, VENDORS

WAIT_MEDIAN_H = np.array([0.3, 1.5, 4.0, 8.0])            # by priority P0..P3
WORK_BY_PRIORITY = np.array([1.3, 1.1, 1.0, 0.9])          # severe cases need more care
FIRST_RESPONSE_MEDIAN_H = np.array([0.3, 1.5, 5.0, 10.0])
OUTCOMES = ("actioned", "restricted", "no_violation", "referred")
NO_DUE_TIMES_SHARE = 0.04


def hours(values: np.ndarray) -> np.ndarray:
    """Float hours as timedelta64[s]."""
    return np.round(values * 3600).astype("int64").astype("timedelta64[s]")


def vendor_accuracy(vendor: np.ndarray, year_fraction: np.ndarray) -> np.ndarray:
    """Probability that a decision of each case's vendor is right, at its time."""
    accuracy = np.array([v.qa_accuracy for v in VENDORS])[vendor]
    return accuracy + np.array([v.qa_drift for v in VENDORS])[vendor] * year_fraction ** 1.5


def vendor_speed(vendor: np.ndarray, year_fraction: np.ndarray) -> np.ndarray:
    """Work-time multiplier of each case's vendor at its time; drift accelerates over the year."""
    speed = np.array([v.speed for v in VENDORS])[vendor]
    return speed + np.array([v.drift for v in VENDORS])[vendor] * year_fraction ** 1.5


def complexity(attrs: pd.DataFrame) -> np.ndarray:
    """How much work a case is: its category's complexity times its source's."""
    by_source = np.array([SOURCE_COMPLEXITY.get(s, 1.0) for s in SOURCES])
    by_category = np.array([c.complexity for c in CATEGORIES])
    return by_category[attrs["category_code"].to_numpy()] * by_source[attrs["source_code"].to_numpy()]


def durations(rng, attrs: pd.DataFrame, speed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Hours from creation to first response and to resolution, and reopen counts."""
    n, priority = len(attrs), attrs["priority_code"].to_numpy()
    expedite = np.where(np.isin(attrs["source"], ("regulator", "legal")), 0.7, 1.0)
    wait = rng.lognormal(np.log(WAIT_MEDIAN_H[priority] * expedite), 1.0)
    work = rng.lognormal(np.log(3.0 * WORK_BY_PRIORITY[priority] * complexity(attrs) * speed), 0.7)
    reopens = rng.choice(3, size=n, p=[0.95, 0.04, 0.01])
    # At least three minutes, so that a review's claim always precedes its decision.
    resolution = np.maximum(wait + work + reopens * rng.lognormal(np.log(18), 0.7, size=n), 0.05)
    # Some wait days for information from the reporter; a very few are stuck for months.
    waiting = rng.random(n) < 0.04
    resolution = np.where(waiting, resolution + rng.lognormal(np.log(96), 0.6, size=n), resolution)
    stuck = rng.random(n) < 0.001
    resolution = np.where(stuck, resolution + rng.uniform(24 * 30, 24 * 400, size=n), resolution)
    first = rng.lognormal(np.log(FIRST_RESPONSE_MEDIAN_H[priority] * expedite * np.sqrt(speed)), 0.7)
    return np.minimum(first, resolution), resolution, reopens


def policy_hours() -> tuple[np.ndarray, np.ndarray]:
    """Sources × priorities first-response and resolution hours, most specific policy winning."""
    table = reference.sla_policy_table()
    first, resolution = np.zeros((len(SOURCES), 4)), np.zeros((len(SOURCES), 4))
    for i, source in enumerate(SOURCES):
        for j, priority in enumerate(PRIORITIES):
            match = table[table["source"].isin([source, "*"]) & table["priority"].isin([priority, "*"])]
            best = match.assign(rank=(match["source"] != "*") * 2 + (match["priority"] != "*"))
            row = best.sort_values("rank", ascending=False).iloc[0]
            first[i, j], resolution[i, j] = row["first_response_hours"], row["resolution_hours"]
    return first, resolution


def due_times(rng, attrs: pd.DataFrame, created: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first_h, resolution_h = policy_hours()
    s, p = attrs["source_code"].to_numpy(), attrs["priority_code"].to_numpy()
    exported = np.array([v.exports_due_times for v in VENDORS])[attrs["vendor_code"].to_numpy()]
    missing = ~exported | (rng.random(len(attrs)) < NO_DUE_TIMES_SHARE)
    nat = np.datetime64("NaT", "s")
    return (np.where(missing, nat, created + hours(first_h[s, p])),
            np.where(missing, nat, created + hours(resolution_h[s, p])))


def outcomes(rng, attrs: pd.DataFrame) -> np.ndarray:
    """Decision per case: referrals for the gravest areas, more no-violation for spam-like reports."""
    referred = attrs["abuse_category"].isin(["child_safety", "violent_extremism", "self_harm"]).to_numpy()
    probs = np.where(referred[:, None], [0.45, 0.15, 0.15, 0.25], [0.55, 0.15, 0.28, 0.02])
    return np.array(OUTCOMES, dtype=object)[
        np.minimum((rng.random(len(attrs))[:, None] > probs.cumsum(axis=1)).sum(axis=1), 3)]


def appeals(rng, outcome: np.ndarray, resolved: np.ndarray, accuracy: np.ndarray, end) -> tuple:
    """Appealed flag, appeal outcome and the last appeal event time; only actions get appealed."""
    n = len(outcome)
    appealed_at = resolved + hours(rng.lognormal(np.log(72), 0.8, size=n))
    decided_at = appealed_at + hours(rng.lognormal(np.log(96), 0.6, size=n))
    is_appealed = (np.isin(outcome, ("actioned", "restricted")) & (rng.random(n) < 0.07)
                   & (appealed_at <= end))   # NaT compares False: unresolved cases stay unappealed
    overturned = rng.random(n) < 0.08 + 1.5 * (1 - accuracy)
    result = np.where(decided_at > end, "pending", np.where(overturned, "overturned", "upheld"))
    last_event = np.where(is_appealed, np.where(decided_at <= end, decided_at, appealed_at), resolved)
    return is_appealed, np.where(is_appealed, result, None), last_event


def case_timeline(rng, attrs: pd.DataFrame, created: np.ndarray, start, end) -> pd.DataFrame:
    """Timestamps, status, outcome and appeal columns of every case (NaT/None = not yet)."""
    end = np.datetime64(end, "s")
    year_fraction = (created - np.datetime64(start, "s")) / (end - np.datetime64(start, "s"))
    vendor = attrs["vendor_code"].to_numpy()
    first_h, resolution_h, reopens = durations(rng, attrs, vendor_speed(vendor, year_fraction))
    nat = np.datetime64("NaT", "s")
    first = np.where(created + hours(first_h) <= end, created + hours(first_h), nat)
    resolved = np.where(created + hours(resolution_h) <= end, created + hours(resolution_h), nat)
    is_resolved = ~np.isnat(resolved)
    outcome = np.where(is_resolved, outcomes(rng, attrs), None)
    is_appealed, appeal_outcome, last_event = appeals(
        rng, outcome, resolved, vendor_accuracy(vendor, year_fraction), end)
    closed = is_resolved & (resolved < end - np.timedelta64(14, "D")) & (rng.random(len(attrs)) < 0.8)
    status = np.select([closed, is_resolved, ~np.isnat(first)], ["closed", "resolved", "pending"], "open")
    latest = np.fmax(np.fmax(created, first), np.where(is_resolved, last_event, nat))
    updated = np.minimum(latest + hours(rng.uniform(0, 0.5, len(attrs))), end)
    first_due, resolution_due = due_times(rng, attrs, created)
    return pd.DataFrame({
        "created_at": created, "updated_at": np.maximum(updated, created),
        "first_response_at": first, "resolved_at": resolved,
        "sla_due_at": resolution_due, "first_response_due_at": first_due, "status": status,
        "outcome": outcome, "is_appealed": is_appealed, "appeal_outcome": appeal_outcome,
        "reopen_count": np.where(is_resolved, reopens, 0),
        "is_sla_met": pd.array([pd.NA] * len(attrs), dtype="boolean"),
        "year_fraction": year_fraction,
    })
