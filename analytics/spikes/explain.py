"""Why a spike happened: the sub-segments that drove it and the cases behind it.

For an event's segment, `drivers` compares each sub-segment's share of the excess (cases above
the expected count during the event) with its usual share (the `baseline_days` before the
event): a source, language, queue, vendor or surface that usually brings 10% of the cases but
brought 80% of the excess is the story. Counts come from sql/marts/spike_drivers.sql.

What is counted follows the event's metric (`cohort`): an SLA breach-rate event's observed and
expected values are breaches, so its drivers and examples are the breaches (cases whose clock
stopped during the event past their SLA), not the cases created those days; a median
first-response event has no excess in cases, so its drivers are the day's mix of created cases
against the usual mix (excess 0).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analytics import db

SEGMENT_PARAMS = {"market": "market", "abuse_category": "category", "source": "source"}
DRIVER_DIMENSIONS = ("source", "language", "queue", "vendor", "surface", "abuse_category", "market")


def event_dates(event: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The market-local dates an event covers (hourly events: the dates of their hours)."""
    return pd.Timestamp(event["start"]).normalize(), pd.Timestamp(event["end"]).normalize()


def cohort(event: dict) -> str:
    """'breaches' for an SLA breach-rate event, else 'cases' (case counts, first response)."""
    return "breaches" if event.get("metric") == "sla_breach_rate" else "cases"


def counted_excess(event: dict) -> float:
    """The event's excess in the cohort's units: a median's excess is seconds, not cases."""
    return 0.0 if event.get("metric") == "first_response_median_s" else float(event["excess"])


def segment_params(segment: dict) -> dict:
    return {param: segment.get(key) for key, param in SEGMENT_PARAMS.items()}


def driver_shares(counts: pd.DataFrame, *, event_excess: float) -> pd.DataFrame:
    """Add usual_share, event_share, excess and excess_share to spike_drivers rows.

    The segment's expected count over the event's dates is its cases there minus the event's
    excess; a value's expected count is its usual share of that, and its excess what it
    brought beyond. Shares are within each dimension.
    """
    out = counts.copy()
    totals = out.groupby("dimension")["baseline_cases"].transform("sum")
    event_totals = out.groupby("dimension")["event_cases"].transform("sum")
    out["usual_share"] = (out["baseline_cases"] / totals).where(totals > 0, 0.0)
    out["event_share"] = (out["event_cases"] / event_totals).where(event_totals > 0, 0.0)
    out["expected_cases"] = out["usual_share"] * (event_totals - event_excess).clip(lower=0)
    out["excess"] = out["event_cases"] - out["expected_cases"]
    total_excess = out.groupby("dimension")["excess"].transform(lambda s: s.clip(lower=0).sum())
    out["excess_share"] = (out["excess"].clip(lower=0) / total_excess).where(total_excess > 0, 0.0)
    return out.sort_values(["dimension", "excess"], ascending=[True, False]).reset_index(drop=True)


def drivers(con: duckdb.DuckDBPyConnection, event: dict, *, baseline_days: int = 28,
            dimensions=DRIVER_DIMENSIONS) -> pd.DataFrame:
    """Per dimension and value: event and usual cases, shares, and share of the excess.
    Dimensions the segment already fixes (its market, say) are left out."""
    start, end = event_dates(event)
    counts = db.query_df(con, "marts/spike_drivers", **segment_params(event["segment"]),
                         start_date=start.date(), end_date=end.date(),
                         baseline_start=(start - pd.Timedelta(days=baseline_days)).date(),
                         baseline_end=(start - pd.Timedelta(days=1)).date(),
                         cohort=cohort(event))
    keep = [d for d in dimensions if d not in event["segment"]]
    counts = counts[counts["dimension"].isin(keep)]
    return driver_shares(counts, event_excess=counted_excess(event))


def top_drivers(table: pd.DataFrame, *, min_share: float = 0.1, per_dimension: int = 2) -> pd.DataFrame:
    """The values holding at least `min_share` of the excess and more than their usual share."""
    rising = table[(table["excess_share"] >= min_share) & (table["event_share"] > table["usual_share"])]
    return rising.groupby("dimension", sort=False).head(per_dimension).reset_index(drop=True)


def examples(con: duckdb.DuckDBPyConnection, event: dict, *, limit: int = 10) -> pd.DataFrame:
    """The newest `limit` cases of the event's segment during the event (for an SLA breach-rate
    event, its breaches)."""
    start, end = event_dates(event)
    return db.query_df(con, "marts/spike_examples", **segment_params(event["segment"]),
                       start_date=start.date(), end_date=end.date(), limit=limit,
                       cohort=cohort(event))
