"""Working days around weekends and England and Wales bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from volunteer_hub.workdays import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 20), True),  # a Friday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), False),  # Boxing Day falls on a Saturday: Monday instead
        (date(2027, 12, 27), False),  # Christmas Day on a Saturday: Monday instead
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 8, 31), False),  # summer bank holiday (England and Wales)
        (date(2026, 8, 3), True),  # Scotland's summer holiday is not ours
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_five_working_days_skip_weekends_and_bank_holidays():
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)
    # Applied on Tuesday 22 December 2026: Christmas and the Boxing Day substitute are skipped.
    assert add_working_days(date(2026, 12, 22), 5) == date(2026, 12, 31)
    assert next_working_day(date(2026, 4, 2)) == date(2026, 4, 7)  # over Easter


def test_working_days_between():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
