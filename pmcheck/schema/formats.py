"""The formats the schemas name: ``date`` and ``date-time``, and ``pattern`` as ECMA-262 reads it.

Dates and timestamps stay strings in the loaded data (the loader never turns them into date
objects), so these checkers see exactly what the file says.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonschema import FormatChecker

# The years a postmortem can mean. Outside them a value is a typo (`0026`, `20260`), and Python's
# date arithmetic near its own limits (year 1 or 9999 plus a time zone) would fail instead.
MIN_YEAR, MAX_YEAR = 1900, 9999

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
# RFC 3339 section 5.6, with the offset required (a timestamp without one is ambiguous). Seconds
# are optional only where `loose` asks for it (incident times, written from memory or a chat log).
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})\Z",
    re.ASCII,
)


def _real_day(year: str, month: str, day: str) -> bool:
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return False
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def is_date(value: object) -> bool:
    """A calendar date ``YYYY-MM-DD`` in the years 1900-9999 (anything not text is the type's job)."""
    if not isinstance(value, str):
        return True
    match = _DATE.match(value)
    return match is not None and _real_day(match[1], match[2], match[3])


def _is_timestamp(value: str, loose: bool) -> bool:
    match = _DATE_TIME.match(value)
    if match is None or (match[6] is None and not loose) or not _real_day(match[1], match[2], match[3]):
        return False
    hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
    offset = match[8]
    offset_ok = offset in ("Z", "z") or (int(offset[1:3]) < 24 and int(offset[4:6]) < 60)
    # A leap second (60) is legal in RFC 3339.
    return hour < 24 and minute < 60 and second <= 60 and offset_ok


def is_date_time(value: object) -> bool:
    """An RFC 3339 timestamp with seconds and an offset."""
    return not isinstance(value, str) or _is_timestamp(value, loose=False)


def is_record_time(value: object) -> bool:
    """When a record was made: a date, or an RFC 3339 timestamp."""
    return not isinstance(value, str) or is_date(value) or _is_timestamp(value, loose=False)


def is_incident_time(value: object) -> bool:
    """When something happened in an incident: a timestamp with offset (seconds optional) or a date."""
    return not isinstance(value, str) or is_date(value) or _is_timestamp(value, loose=True)


# Format names the schema uses beyond the standard ones: `record-time` and `incident-time` follow
# the date convention (docs/formats.md). Editors that do not know them still apply the patterns.
FORMATS = {
    "date": is_date,
    "date-time": is_date_time,
    "record-time": is_record_time,
    "incident-time": is_incident_time,
}

# How each format is named in a message, and an example of it for the hint.
FORMAT_WORDS = {
    "date": ("a date (YYYY-MM-DD)", "write a date as YYYY-MM-DD, e.g. 2026-11-18"),
    "date-time": (
        "an RFC 3339 timestamp with offset",
        "write a timestamp with its offset, e.g. 2026-11-18T14:09:00Z",
    ),
    "record-time": (
        "a date or an RFC 3339 timestamp",
        "write a date (2026-11-18) or a timestamp with its offset (2026-11-18T14:09:00Z)",
    ),
    "incident-time": (
        "an RFC 3339 timestamp with offset, or a date",
        "write a timestamp with its offset (2026-11-18T14:09Z, seconds optional) or, when only the day is known, a date (2026-11-18)",
    ),
}


def format_checker() -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    # ECMA-262 and Python agree on `$` except that Python also matches before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)
