"""Local time for people: stored times are UTC, shown in the hub's zone (Europe/London)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from flask import current_app

from .database import utcnow


def hub_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today() -> date:
    return utcnow().astimezone(hub_zone()).date()


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on `day` (a 29 February birthday counts from 1 March)."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def local_date(moment: datetime) -> date:
    return moment.astimezone(hub_zone()).date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(hub_zone())


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day
    (31 January + 1 month is 28 or 29 February)."""
    moved: date = day + relativedelta(months=months)
    return moved
