"""analytics/filtering.py: the one check of whether a spike event lies inside the filters."""
import datetime as dt
import doctest

import pandas as pd

from analytics import filtering

EVENTS = pd.DataFrame({
    "event_id": ["a", "b", "c", "d", "e"],
    "segment": [{"market": "KZ", "source": "app"}, {"market": "KZ", "source": "web"},
                {"market": "UZ", "abuse_category": "fraud"}, {},
                {"market": "KZ", "abuse_category": "fraud", "source": "app"}],
    "start": pd.to_datetime(["2026-03-01", "2026-03-05", "2026-03-02", "2026-02-01",
                             "2026-03-10"]),
    "end": pd.to_datetime(["2026-03-02", "2026-03-06", "2026-03-03", "2026-02-02",
                           "2026-03-11"]),
})


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["event_id"])


def test_doctests_pass():
    assert doctest.testmod(filtering).failed == 0


def test_the_source_filter_counts():
    assert ids(filtering.events_within(EVENTS, markets=["KZ"], sources=["app"])) == ["a", "e"]
    assert ids(filtering.events_within(EVENTS, sources=["web"])) == ["b"]


def test_every_filter_and_the_dates_together():
    found = filtering.events_within(EVENTS, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 10),
                                    markets=["KZ", "UZ"], categories=["fraud"])
    assert ids(found) == ["c", "e"]   # a ends on the 2nd but has no category; d is in February
    assert list(found.index) == [0, 1]


def test_empty_filters_keep_everything_and_the_input_is_unchanged():
    before = EVENTS.copy()
    assert ids(filtering.events_within(EVENTS)) == ids(EVENTS)
    pd.testing.assert_frame_equal(EVENTS, before)
    assert filtering.events_within(EVENTS.iloc[:0], markets=["KZ"]).empty


def test_segment_rows_take_the_exact_segment_only():
    scored = pd.DataFrame({"market": ["KZ", "KZ", None, "KZ"],
                           "abuse_category": [None, "fraud", None, None],
                           "source": [None, None, None, None],
                           "bucket": pd.to_datetime(["2026-03-02", "2026-03-01", "2026-03-01",
                                                     "2026-03-01"])})
    rows = filtering.segment_rows(scored, {"market": "KZ"})
    assert list(rows.index) == [3, 0]   # sorted by bucket; not the KZ × fraud row, not the total
    assert list(filtering.segment_rows(scored, {}).index) == [2]
