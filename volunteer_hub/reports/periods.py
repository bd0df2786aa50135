"""A report's period cut into slices the rollups can answer, each valued at its rates.

Verified hours are summed from the monthly rollup for every whole month of the period, and
from the entries themselves only for the part-months at its ends and a month in which a rate
begins after its first day (a rate may start on any day). Every entry is valued at the rate in
force on the day it was worked, while most of the period is read from the rollup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..clock import add_months, hub_zone
from .models import ValueRate
from .rates import in_force

Step = tuple[date, int | None]  # from this day, this many pence an hour (None: no rate yet)


@dataclass(frozen=True)
class Slice:
    """Days `start` to `end` (inclusive): a run of whole months under one rate, read from the
    rollup, or part of one month, read from the entries, under one or more rates (`steps`,
    the first starting on `start`). No two slices share a month."""

    start: date
    end: date
    whole_months: bool
    steps: tuple[Step, ...]

    @property
    def pence(self) -> int | None:
        """The rate of a run of whole months (which has one)."""
        return self.steps[0][1]


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _pence_on(day: date, rates: Sequence[ValueRate]) -> int | None:
    rate = in_force(rates, day)
    return rate.pence_per_hour if rate is not None else None


def _steps(start: date, end: date, rates: Sequence[ValueRate]) -> tuple[Step, ...]:
    """The rates in force from `start` to `end`: the one on `start`, then each that begins."""
    begins = sorted(rate.valid_from for rate in rates if start < rate.valid_from <= end)
    return tuple((day, _pence_on(day, rates)) for day in [start, *begins])


def slices(start: date, end: date, rates: Sequence[ValueRate]) -> list[Slice]:
    """The period month by month: whole months under one rate merged into runs, every other
    month (the period's ends, and a month in which a rate begins after its first day) alone."""
    result: list[Slice] = []
    day = start
    while day <= end:
        last = min(month_end(day), end)
        steps = _steps(day, last, rates)
        whole = day.day == 1 and last == month_end(day) and len(steps) == 1
        previous = result[-1] if result else None
        if whole and previous and previous.whole_months and previous.steps[0][1] == steps[0][1]:
            result[-1] = Slice(previous.start, last, True, previous.steps)
        else:
            result.append(Slice(day, last, whole, steps))
        day = last + timedelta(days=1)
    return result


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From local midnight at the start of `start` to local midnight after `end`, in UTC."""
    zone = hub_zone()
    begin = datetime.combine(start, time(), tzinfo=zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return begin, after
