"""The formats the schemas name: ``date`` and ``date-time``, and ``pattern`` as ECMA-262 reads it.

Dates and timestamps stay strings in the loaded data (the loader never turns them into date
objects), so these checkers see exactly what the file says.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from jsonschema import FormatChecker

# RFC 3339 section 5.6, with the offset required (a timestamp without one is ambiguous).
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return not isinstance(value, str)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.match(value)
    if not match:
        return False
    try:
        dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    hour, minute, second = int(match[4]), int(match[5]), int(match[6])
    offset_ok = match[8] in ("Z", "z") or (int(match[8][1:3]) < 24 and int(match[8][4:6]) < 60)
    # A leap second (60) is legal in RFC 3339.
    return hour < 24 and minute < 60 and second <= 60 and offset_ok


def format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    return checker


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    # ECMA-262 and Python agree on `$` except that Python also matches before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)
