"""The date windows the pages show: the default window, the period before, the last whole week."""
from __future__ import annotations

import datetime as dt


def default_window(newest_date: dt.date, days: int = 90) -> tuple[dt.date, dt.date]:
    """The last `days` days up to and including the newest date.

    >>> default_window(dt.date(2026, 3, 31), days=31)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    """
    return newest_date - dt.timedelta(days=days - 1), newest_date


def previous_window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The window of equal length that ends the day before `start`.

    >>> previous_window(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    (datetime.date(2026, 1, 29), datetime.date(2026, 2, 28))
    """
    length = end - start
    previous_end = start - dt.timedelta(days=1)
    return previous_end - length, previous_end


def last_complete_week(last_complete: dt.date) -> dt.date:
    """Monday of the last week (Monday to Sunday) that ends on or before `last_complete`.

    >>> last_complete_week(dt.date(2026, 3, 29))  # a Sunday: its own week is complete
    datetime.date(2026, 3, 23)
    >>> last_complete_week(dt.date(2026, 3, 31))  # a Tuesday
    datetime.date(2026, 3, 23)
    """
    next_day = last_complete + dt.timedelta(days=1)
    return next_day - dt.timedelta(days=next_day.weekday() + 7)
