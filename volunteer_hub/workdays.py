"""Working days: Monday to Friday, less England and Wales bank holidays.

The bank holidays come from the `holidays` package (England's list, which Wales shares,
with substitute days and one-off days such as a coronation), shipped with the app: nothing
is fetched at run time.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, count: int) -> date:
    """The working day `count` working days after `start` (an application made on a Friday
    with 5 days to answer is due by the next Friday, bank holidays aside)."""
    day = start
    for _ in range(count):
        day = next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not later."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


FIRST_YEAR = 1990  # `working_day_number` counts from its first day


@lru_cache(maxsize=64)
def _year_numbers(year: int) -> dict[date, int]:
    """Each day of `year` numbered by the working days from FIRST_YEAR up to and including it."""
    count = 0 if year <= FIRST_YEAR else _year_numbers(year - 1)[date(year - 1, 12, 31)]
    numbers, day = {}, date(year, 1, 1)
    while day.year == year:
        count += is_working_day(day)
        numbers[day] = count
        day += timedelta(days=1)
    return numbers


def working_day_number(day: date) -> int:
    """Working days counted up to `day`: the difference of two is `working_days_between` them,
    without walking the days between (the reports turn thousands of pairs into waits)."""
    return _year_numbers(day.year)[day]
