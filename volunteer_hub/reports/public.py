"""The few figures the public home page shows: verified hours, the people who gave them and
the organisations they gave them to, over the last twelve whole months.

They come from the monthly rollup in one aggregate. The home page is the busiest page, so each
worker keeps the answer (in its app's `extensions`) for `PUBLIC_FIGURES_SECONDS` (ten minutes
by default; none in tests): figures of whole past months barely move, and a stale answer is
only minutes old.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

from ..clock import add_months
from . import hours
from .filters import ReportFilters


@dataclass(frozen=True)
class PublicFigures:
    start: date
    end: date
    quarters: int
    volunteers: int
    organisations: int


_lock = threading.Lock()


def last_twelve_months(today: date) -> tuple[date, date]:
    """The twelve whole months before this one."""
    this_month = today.replace(day=1)
    return add_months(this_month, -12), this_month - timedelta(days=1)


def public_figures(today: date) -> PublicFigures:
    start, end = last_twelve_months(today)
    seconds = float(current_app.config["PUBLIC_FIGURES_SECONDS"])
    kept: dict[date, tuple[float, PublicFigures]] = current_app.extensions.setdefault(
        "public_figures", {}
    )
    with _lock:
        found = kept.get(start)
    if found is not None and time.monotonic() - found[0] < seconds:
        return found[1]
    hub = hours.hours_figures(hours.facts(ReportFilters(start, end), []), breakdowns=False)
    total = hub.total
    figures = PublicFigures(start, end, total.quarters, total.volunteers, hub.organisations_active)
    with _lock:
        kept.clear()
        kept[start] = (time.monotonic(), figures)
    return figures
