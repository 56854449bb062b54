"""Defaults from the data in view (#16 point 3): pure functions the app's defaults follow.

- `follow_new_data`: after a load, a date window that holds none of the newly loaded data moves
  to it; a load that extends the data the window shows (a daily incremental export) leaves it.
- `markets_by_cases`: markets ordered by their cases within the filters, so the Markets page
  opens on the largest market in view, not the largest of all time.
- `with_gaps`: a daily series with the days no export covers as missing (a gap on a chart)
  and the covered days without cases as zeros.
- `covered_share`: how much of a period the loaded exports cover, so that a comparison with a
  previous period that is empty or partly before the data says so instead of a huge percentage.

Coverage windows are the rows of sql/marts/export_coverage.sql (analytics/coverage.py).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

ONE_DAY = dt.timedelta(days=1)


def _day(value) -> dt.date:
    return pd.Timestamp(value).date()


def stretches(windows: pd.DataFrame) -> list[tuple[dt.date, dt.date]]:
    """The covered stretches: export windows that overlap or touch merged, in date order.

    >>> w = pd.DataFrame({"first_date": ["2026-01-01", "2026-01-11", "2026-03-01"],
    ...                   "last_date": ["2026-01-10", "2026-01-20", "2026-03-05"]})
    >>> [(a.isoformat(), b.isoformat()) for a, b in stretches(w)]
    [('2026-01-01', '2026-01-20'), ('2026-03-01', '2026-03-05')]
    """
    out: list[list[dt.date]] = []
    spans = sorted((_day(a), _day(b)) for a, b in zip(windows["first_date"], windows["last_date"])
                   if pd.notna(a) and pd.notna(b))
    for first, last in spans:
        if out and first <= out[-1][1] + ONE_DAY:
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return [(a, b) for a, b in out]


def follow_new_data(window: tuple[dt.date, dt.date], windows: pd.DataFrame,
                    seen: frozenset | None) -> tuple[dt.date, dt.date]:
    """The date window after the exports not in `seen` (ingest ids) were loaded.

    It moves, keeping its length, to the end of the newest covered stretch holding new data
    (not before that stretch's start) when it overlaps no stretch holding new data; otherwise,
    and on a session's first look (`seen` None) or with nothing new, it stays.

    >>> w = pd.DataFrame({"ingest_id": [1, 2], "first_date": ["2016-03-01", "2025-01-01"],
    ...                   "last_date": ["2017-02-16", "2025-03-14"]})
    >>> follow_new_data((dt.date(2016, 11, 19), dt.date(2017, 2, 16)), w, frozenset({1}))
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 14))
    >>> daily = pd.DataFrame({"ingest_id": [1, 2], "first_date": ["2026-01-01", "2026-04-01"],
    ...                       "last_date": ["2026-03-31", "2026-04-01"]})
    >>> follow_new_data((dt.date(2026, 1, 1), dt.date(2026, 3, 31)), daily, frozenset({1}))
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    """
    if seen is None or windows.empty:
        return window
    new = windows[~windows["ingest_id"].isin(seen)]
    if new.empty:
        return window
    start, end = window
    holding = [(a, b) for a, b in stretches(windows)
               if any(a <= _day(f) and _day(l) <= b
                      for f, l in zip(new["first_date"], new["last_date"]))]
    if not holding or any(start <= b and a <= end for a, b in holding):
        return window
    first, last = max(holding, key=lambda s: s[1])
    return max(first, last - (end - start)), last


def markets_by_cases(daily_volume: pd.DataFrame, every_market: list[str]) -> list[str]:
    """Markets with cases in `daily_volume` (a mart read with the filters), most cases first,
    then the other markets in `every_market`'s order (no cases within the filters).

    >>> rows = pd.DataFrame({"market": ["QUEENS", "BROOKLYN", "QUEENS"], "cases": [5, 7, 4]})
    >>> markets_by_cases(rows, ["Location 204", "BROOKLYN", "QUEENS"])
    ['QUEENS', 'BROOKLYN', 'Location 204']
    """
    sizes = (daily_volume.dropna(subset=["market"]).groupby("market")["cases"].sum()
             .sort_values(ascending=False, kind="stable"))
    ranked = [str(m) for m, n in sizes.items() if n > 0]
    return ranked + [m for m in every_market if m not in set(ranked)]


def with_gaps(frame: pd.DataFrame, x: str, value: str, covered, by: str | None = None
              ) -> pd.DataFrame:
    """`frame` (one row per day, or per day and `by` group) on every day from its first to its
    last: a covered day without a row gets 0 (a real zero), an uncovered one NaN (unknown,
    drawn as a gap). `covered(days) -> bool array` is analytics/coverage.Coverage's day mask.

    >>> f = pd.DataFrame({"d": pd.to_datetime(["2026-01-01", "2026-01-05"]), "n": [3, 4]})
    >>> cover = lambda days: days <= pd.Timestamp("2026-01-02")
    >>> with_gaps(f, "d", "n", cover)["n"].tolist()
    [3.0, 0.0, nan, nan, 4.0]
    """
    if frame.empty:
        return frame
    days = pd.date_range(pd.Timestamp(frame[x].min()).normalize(),
                         pd.Timestamp(frame[x].max()).normalize(), freq="D")
    mask = pd.Series(covered(days), index=days)
    groups = [(None, frame)] if by is None else list(frame.groupby(by, sort=False, observed=True))
    parts = []
    for name, rows in groups:
        series = rows.assign(**{x: pd.to_datetime(rows[x])}).set_index(x)[value]
        series = series.groupby(level=0).sum().reindex(days).astype("float64")
        series[series.isna() & mask] = 0.0   # a day with rows keeps them, covered or not
        part = series.rename(value).rename_axis(x).reset_index()
        parts.append(part if by is None else part.assign(**{by: name}))
    return pd.concat(parts, ignore_index=True)


def covered_share(covered, start: dt.date, end: dt.date) -> float:
    """The share of days from `start` to `end` that some loaded export covers (0 to 1).

    >>> covered_share(lambda days: days >= pd.Timestamp("2026-01-03"),
    ...               dt.date(2026, 1, 1), dt.date(2026, 1, 4))
    0.5
    """
    days = pd.date_range(start, end, freq="D")
    return float(pd.Series(covered(days)).mean()) if len(days) else 0.0
