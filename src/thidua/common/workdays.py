"""Working days: Monday to Friday, not a Vietnamese public holiday (Tết included).

The holidays are those the `holidays` package lists for Vietnam; dossier steps (awards.deadlines),
reporting deadlines (extensions, reminders) and how late a report is (the worklist) count in these
days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=128)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Vietnam(years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself is not counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
