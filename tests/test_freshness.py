"""analytics/freshness.py: the data's now and the last complete day, for app and snapshots."""
import datetime as dt
import doctest

import pandas as pd

from analytics import freshness

FRESH = {"newest_created_at": pd.Timestamp("2026-03-05 10:00"),
         "newest_updated_at": pd.Timestamp("2026-03-06 08:00"), "newest_decided_at": pd.NaT,
         "last_complete_date": pd.Timestamp("2026-03-04")}


def test_doctests_pass():
    assert doctest.testmod(freshness).failed == 0


def test_as_of_is_the_newest_event_capped_at_the_end_of_the_day():
    assert freshness.as_of(FRESH) == dt.datetime(2026, 3, 6, 8)
    assert freshness.as_of(FRESH, dt.date(2026, 3, 5)) == dt.datetime(2026, 3, 6)
    assert freshness.as_of(FRESH, dt.date(2026, 3, 9)) == dt.datetime(2026, 3, 6, 8)


def test_without_data_the_default_stands_in():
    now = dt.datetime(2026, 1, 1, 12)
    assert freshness.as_of({}, default=now) == now
    assert freshness.as_of({}, dt.date(2025, 12, 1), default=now) == dt.datetime(2025, 12, 2)


def test_first_row_and_last_complete():
    assert freshness.first_row(pd.DataFrame([FRESH])) == FRESH
    assert freshness.first_row(pd.DataFrame(columns=list(FRESH))) == {}
    assert freshness.last_complete(FRESH) == dt.date(2026, 3, 4)
    assert freshness.last_complete({"last_complete_date": None}) is None
