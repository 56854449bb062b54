"""Coverage: which days (and hours) the loaded exports cover, so that a day no export covers is
missing, never a zero.

Each case export covers the span from its first to its last created case
(sql/marts/export_coverage.sql). A day inside some export's span with no case is a real zero; a
day outside every span (before the first export, in the years between two exports, after the
last) is unknown. Detectors read a boolean mask over their buckets; a long uncovered gap also
ends a series' history (what was learnt years ago does not predict the next export).
An export whose timestamps carry no time of day covers no hours: it has no hourly series.

>>> cover = Coverage(pd.DataFrame({"first_date": [pd.Timestamp("2026-01-01")],
...                                "last_date": [pd.Timestamp("2026-01-03")],
...                                "first_at": [pd.Timestamp("2026-01-01 08:00")],
...                                "last_at": [pd.Timestamp("2026-01-03 17:00")],
...                                "is_date_only": [False]}))
>>> cover.mask(pd.date_range("2025-12-31", "2026-01-04"), "day").tolist()
[False, True, True, True, False]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import db

NEW_HISTORY_AFTER = 28   # buckets (days; hourly: × 24): an uncovered gap this long starts afresh
COLUMNS = ["first_date", "last_date", "first_at", "last_at", "is_date_only"]


@dataclass(frozen=True)
class Coverage:
    """The coverage windows of the loaded case exports (one row per export)."""
    windows: pd.DataFrame

    @classmethod
    def everything(cls) -> "Coverage":
        """No coverage information: every bucket between the first and last is covered."""
        return cls(pd.DataFrame(columns=COLUMNS))

    @property
    def known(self) -> bool:
        return len(self.windows) > 0

    @property
    def has_time_of_day(self) -> bool:
        """At least one export carries times of day (hourly series mean something)."""
        return not self.known or not bool(self.windows["is_date_only"].astype(bool).all())

    def mask(self, buckets: pd.DatetimeIndex, grain: str) -> np.ndarray:
        """True where some export covers the bucket. Hours of date-only exports are uncovered."""
        buckets = pd.DatetimeIndex(buckets)
        if not self.known:
            return np.ones(len(buckets), dtype=bool)
        if grain == "day":
            starts = pd.to_datetime(self.windows["first_date"]).to_numpy()
            ends = pd.to_datetime(self.windows["last_date"]).to_numpy()
        else:
            timed = self.windows[~self.windows["is_date_only"].astype(bool)]
            starts = pd.to_datetime(timed["first_at"]).dt.floor("h").to_numpy()
            ends = pd.to_datetime(timed["last_at"]).dt.floor("h").to_numpy()
        stamps = buckets.to_numpy()[:, None]
        return ((stamps >= starts[None, :]) & (stamps <= ends[None, :])).any(axis=1)

    def fresh_starts(self, buckets: pd.DatetimeIndex, grain: str) -> np.ndarray:
        """True at each covered bucket that follows an uncovered gap of at least
        NEW_HISTORY_AFTER days: series start their history again there."""
        covered = self.mask(buckets, grain)
        gap = NEW_HISTORY_AFTER * (1 if grain == "day" else 24)
        out = np.zeros(len(covered), dtype=bool)
        run = 0
        for i, is_covered in enumerate(covered):
            if is_covered:
                out[i] = run >= gap and i > run   # not the very first covered bucket
                run = 0
            else:
                run += 1
        return out


    def covered_since(self, day) -> pd.Timestamp | None:
        """The first day of the covered stretch that holds `day` (windows that overlap or touch
        are one stretch); None when coverage is unknown or `day` is not covered."""
        if not self.known:
            return None
        day = pd.Timestamp(day).normalize()
        spans = sorted(zip(pd.to_datetime(self.windows["first_date"]),
                           pd.to_datetime(self.windows["last_date"])))
        start = end = None
        for first, last in spans:
            if end is None or first > end + pd.Timedelta(days=1):
                start, end = first, last
            else:
                end = max(end, last)
            if start <= day <= end:
                return start
        return None


def load(con) -> Coverage:
    """The coverage of the cases in the database behind `con`."""
    windows = db.query_df(con, "marts/export_coverage")
    return Coverage(windows[COLUMNS].reset_index(drop=True))
