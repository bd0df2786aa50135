"""The hub's dated hourly values: pounds as people type them, and the value in force on a day."""

from __future__ import annotations

from datetime import date

import pytest

from volunteer_hub.reports.models import ValueRate
from volunteer_hub.reports.rates import in_force, parse_pounds, pounds


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£18.20", 1820), ("18.20", 1820), ("18", 1800), ("18.2", 1820), ("£1,000", 100_000)],
)
def test_pounds_as_typed_become_whole_pence(typed, pence):
    assert parse_pounds(typed) == pence


def test_pence_are_shown_as_pounds():
    assert (pounds(1820), pounds(5), pounds(100_000)) == ("£18.20", "£0.05", "£1,000.00")


def test_the_rate_in_force_is_the_latest_started():
    earlier, later = (
        ValueRate(valid_from=date(2024, 11, 1)),
        ValueRate(valid_from=date(2025, 11, 1)),
    )
    assert in_force([earlier, later], date(2025, 10, 31)) is earlier
    assert in_force([later, earlier], date(2025, 11, 1)) is later
    assert in_force([earlier, later], date(2024, 10, 31)) is None
