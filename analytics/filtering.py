"""Is this spike event inside the filters? Which scored rows belong to one event's segment?

Written once here and used by every reader of spike events: the Spikes page's inbox, the event
markers on the Markets and KPIs charts, and the Spikes snapshot. An event's `segment` is a dict
of the dimensions it was found in ({} is all cases, {"market": "KZ"} one market, ...); a filter
left empty means "all". A filter set on a dimension the event does not name excludes it: the
event is about a wider segment than the one asked for.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

DIMENSIONS = {"market": "markets", "abuse_category": "categories", "source": "sources"}


def in_filters(segment: dict, *, markets: Collection = (), categories: Collection = (),
               sources: Collection = ()) -> bool:
    """Whether an event's segment lies inside the market, category and source filters.

    >>> in_filters({"market": "KZ", "source": "app"}, markets=["KZ"], sources=["web"])
    False
    >>> in_filters({"market": "KZ", "source": "app"}, markets=["KZ"], sources=["app"])
    True
    >>> in_filters({}, markets=[]), in_filters({}, markets=["KZ"])
    (True, False)
    """
    wanted = {"markets": markets, "categories": categories, "sources": sources}
    return all(not wanted[name] or segment.get(key) in wanted[name]
               for key, name in DIMENSIONS.items())


def events_within(events: pd.DataFrame, *, start: dt.date | None = None,
                  end: dt.date | None = None, markets: Collection = (),
                  categories: Collection = (), sources: Collection = ()) -> pd.DataFrame:
    """The events inside the filters that overlap the days `start` to `end` (either may be
    None: open), renumbered from 0; `events` is not changed."""
    if events.empty:
        return events
    keep = events["segment"].map(lambda s: in_filters(
        s, markets=markets, categories=categories, sources=sources)).astype(bool)
    if start is not None:
        keep &= pd.to_datetime(events["end"]).dt.date >= start
    if end is not None:
        keep &= pd.to_datetime(events["start"]).dt.date <= end
    return events[keep].reset_index(drop=True)


def segment_rows(scored: pd.DataFrame, segment: dict) -> pd.DataFrame:
    """The rows of `scored` (one per segment and bucket) of exactly this segment, by bucket: a
    dimension the segment does not name must be empty in the row (the all-values total)."""
    mask = pd.Series(True, index=scored.index)
    for key in DIMENSIONS:
        value = segment.get(key)
        mask &= scored[key].isna() if value is None else scored[key].eq(value)
    return scored[mask].sort_values("bucket")
