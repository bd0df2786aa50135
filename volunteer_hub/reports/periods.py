"""A report's period cut into slices the rollups can answer, each valued at one hourly rate.

Verified hours are summed from the monthly rollup for every whole month of the period, and
from the entries themselves only for the part-months at its ends and around a change of rate
(a rate may start on any day). Each slice lies under one rate, so every entry is valued at the
rate in force on the day it was worked, while most of the period is read from the rollup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..clock import add_months, hub_zone
from .models import ValueRate
from .rates import in_force


@dataclass(frozen=True)
class Slice:
    """Days `start` to `end` (inclusive) under one rate; `whole_months` when the slice is a
    run of whole months, read from the rollup."""

    start: date
    end: date
    pence: int | None  # per hour; None before the first rate
    whole_months: bool


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _pieces(start: date, end: date, rates: Sequence[ValueRate]) -> list[tuple[date, date]]:
    """The period cut at each rate's first day."""
    cuts = sorted({start} | {rate.valid_from for rate in rates if start < rate.valid_from <= end})
    ends = [cut - timedelta(days=1) for cut in cuts[1:]] + [end]
    return list(zip(cuts, ends, strict=True))


def slices(start: date, end: date, rates: Sequence[ValueRate]) -> list[Slice]:
    """The period as slices under one rate each: whole months merged, part-months alone."""
    result: list[Slice] = []
    for piece_start, piece_end in _pieces(start, end, rates):
        rate = in_force(rates, piece_start)
        pence = rate.pence_per_hour if rate is not None else None
        day = piece_start
        while day <= piece_end:
            last = min(month_end(day), piece_end)
            whole = day.day == 1 and last == month_end(day)
            previous = result[-1] if result else None
            if whole and previous and previous.whole_months and previous.pence == pence:
                result[-1] = Slice(previous.start, last, pence, True)
            else:
                result.append(Slice(day, last, pence, whole))
            day = last + timedelta(days=1)
    return result


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From local midnight at the start of `start` to local midnight after `end`, in UTC."""
    zone = hub_zone()
    begin = datetime.combine(start, time(), tzinfo=zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return begin, after
