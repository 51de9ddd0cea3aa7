"""The calendar pmcheck accepts, and date arithmetic that never overflows.

Python's dates end at year 1 and year 9999, so a schema-valid ``9999-12-31`` plus an SLO, or a
timestamp late on 9999-12-31 read in a zone east of UTC, would raise ``OverflowError`` in the
middle of a rule. Dates are accepted only in years 1900-9999 (SPEC section 2: anything else is
a schema violation), and the two operations that can still leave Python's range saturate
instead of raising: a day that would fall after 9999-12-31 is 9999-12-31.
"""

from __future__ import annotations

import datetime as dt

MIN_YEAR = 1900
MAX_YEAR = 9999
RANGE = f"{MIN_YEAR}-{MAX_YEAR}"


def in_range(day: dt.date) -> bool:
    """Whether ``day`` (or a timestamp's day as written) is in a year pmcheck accepts."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days`` (negative to go back), held at the ends of the calendar."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def local_date(stamp: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The day ``stamp`` falls on in ``tz``; the day as written when that day is past the
    calendar's ends (late on 9999-12-31 east of UTC)."""
    try:
        return stamp.astimezone(tz).date()
    except (OverflowError, ValueError):
        return stamp.date()
