"""How fresh the data is, and the moment a stock is counted at: written once for the app and the
snapshots.

`fresh` is the one row of `sql/marts/data_freshness.sql` as a dict (empty without cases).
'Now' is the data's now (its newest event), not the wall clock, so an old export does not show
every open case as years overdue.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

NEWEST = ("newest_created_at", "newest_updated_at", "newest_decided_at")


def first_row(frame: pd.DataFrame) -> dict:
    """The `data_freshness` mart's one row as a dict ({} when the database has no cases)."""
    return frame.iloc[0].to_dict() if len(frame) else {}


def last_complete(fresh: dict) -> dt.date | None:
    """The last market-local day that no longer receives new cases (None without data).

    >>> last_complete({"last_complete_date": pd.Timestamp("2026-03-01")}), last_complete({})
    (datetime.date(2026, 3, 1), None)
    """
    value = fresh.get("last_complete_date")
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# an ingest this long after the newest case means a historic log: its last days are not arriving
HISTORIC_AFTER = pd.Timedelta(days=2)


def historic_lag(fresh: dict) -> pd.Timedelta | None:
    """How long after its newest case the data was last ingested, when that is more than
    HISTORIC_AFTER (a historic export: it ends there); None for data still arriving.

    >>> historic_lag({"newest_created_at": pd.Timestamp("2016-06-01"),
    ...               "last_ingest_at": pd.Timestamp("2026-12-07")}).days
    3841
    >>> historic_lag({"newest_created_at": pd.Timestamp("2026-12-07"), "last_ingest_at": None})
    """
    newest, ingest = fresh.get("newest_created_at"), fresh.get("last_ingest_at")
    if any(v is None or pd.isna(v) for v in (newest, ingest)):
        return None
    lag = pd.Timestamp(ingest) - pd.Timestamp(newest)
    return lag if lag > HISTORIC_AFTER else None


def as_of(fresh: dict, day: dt.date | None = None, *,
          default: dt.datetime | None = None) -> dt.datetime | None:
    """The data's now (its newest event, else `default`), capped at the end of `day` (UTC).

    >>> fresh = {"newest_created_at": pd.Timestamp("2026-03-05 10:00"), "newest_decided_at": None}
    >>> as_of(fresh), as_of(fresh, dt.date(2026, 3, 1))
    (datetime.datetime(2026, 3, 5, 10, 0), datetime.datetime(2026, 3, 2, 0, 0))
    >>> as_of({}, dt.date(2026, 3, 1)) is None
    True
    """
    stamps = [pd.Timestamp(fresh[k]) for k in NEWEST
              if fresh.get(k) is not None and not pd.isna(fresh.get(k))]
    newest = max(stamps).to_pydatetime() if stamps else default
    if day is None or newest is None:
        return newest
    return min(newest, dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
