"""Totals of approved hours, read from the monthly rollups (never by scanning every entry).

Every figure is in quarter-hours; `hours_text` in templating turns them into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, literal, select, union_all

from ..clock import add_months
from ..extensions import db
from ..organisations.models import Organisation
from ..reference.models import Category, Locality
from ..roles.models import Role
from .models import QUARTERS_PER_HOUR, Milestone, RoleMonthHours, VolunteerMonthHours
from .rollup import milestone_hours, month_of


@dataclass(frozen=True)
class RoleTotal:
    role_id: int
    title: str
    organisation: str
    quarters: int


@dataclass(frozen=True)
class MonthTotal:
    month: date
    quarters: int


@dataclass(frozen=True)
class Progress:
    """Where a volunteer stands against the milestones."""

    quarters: int
    reached: list[int]
    next_hours: int | None

    @property
    def percent(self) -> int:
        """How far from the last milestone reached to the next, in whole percent."""
        if self.next_hours is None:
            return 100
        previous = max((hours for hours in self.reached if hours < self.next_hours), default=0)
        span = (self.next_hours - previous) * QUARTERS_PER_HOUR
        done = self.quarters - previous * QUARTERS_PER_HOUR
        return max(0, min(100, done * 100 // span))

    @property
    def quarters_to_go(self) -> int:
        if self.next_hours is None:
            return 0
        return max(0, self.next_hours * QUARTERS_PER_HOUR - self.quarters)


@dataclass(frozen=True)
class VolunteerTotals:
    lifetime: int
    this_year: int
    year: int
    by_role: list[RoleTotal]
    by_month: list[MonthTotal]
    progress: Progress


def volunteer_totals(volunteer_id: int, today: date, months: int = 12) -> VolunteerTotals:
    """A volunteer's dashboard figures, in two small queries over their rollup rows (and two
    for the milestones)."""
    mine = VolunteerMonthHours.volunteer_id == volunteer_id
    by_role = [
        RoleTotal(role_id, title, organisation, int(quarters))
        for role_id, title, organisation, quarters in db.session.execute(
            select(Role.id, Role.title, Organisation.name, func.sum(VolunteerMonthHours.quarters))
            .join(Role, Role.id == VolunteerMonthHours.role_id)
            .join(Organisation, Organisation.id == Role.organisation_id)
            .where(mine)
            .group_by(Role.id, Role.title, Organisation.name)
            .having(func.sum(VolunteerMonthHours.quarters) > 0)
            .order_by(func.sum(VolunteerMonthHours.quarters).desc(), Role.title)
        )
    ]
    first_month = add_months(month_of(today), 1 - months)
    year_start = date(today.year, 1, 1)
    monthly = dict(  # the chart's months and this year's: one read serves both
        db.session.execute(
            select(VolunteerMonthHours.month, func.sum(VolunteerMonthHours.quarters))
            .where(mine, VolunteerMonthHours.month >= min(first_month, year_start))
            .group_by(VolunteerMonthHours.month)
        ).all()
    )
    lifetime = sum(total.quarters for total in by_role)
    this_year = sum(quarters for month, quarters in monthly.items() if month >= year_start)
    by_month = [
        MonthTotal(month, int(monthly.get(month, 0)))
        for month in (add_months(first_month, step) for step in range(months))
    ]
    return VolunteerTotals(
        lifetime=lifetime,
        this_year=int(this_year),
        year=today.year,
        by_role=by_role,
        by_month=by_month,
        progress=progress_of(volunteer_id, lifetime),
    )


def progress_of(volunteer_id: int, quarters: int) -> Progress:
    reached = sorted(
        db.session.scalars(select(Milestone.hours).where(Milestone.volunteer_id == volunteer_id))
    )
    upcoming = [
        hours
        for hours in milestone_hours()
        if hours * QUARTERS_PER_HOUR > quarters and hours not in reached
    ]
    return Progress(quarters, reached, upcoming[0] if upcoming else None)


# The groupings a hub or an organisation can total by: the label column and the join path.
GROUPINGS: dict[str, tuple[Any, Any, Any]] = {
    "role": (Role.title, None, Role.id),
    "organisation": (Organisation.name, Organisation, Organisation.id),
    "category": (Category.name, Category, Category.id),
    "locality": (Locality.name, Locality, Locality.id),
}


@dataclass(frozen=True)
class GroupTotal:
    key: int | None
    label: str
    quarters: int


def totals_by(
    grouping: str,
    *,
    start: date | None = None,
    end: date | None = None,
    organisation_id: int | None = None,
) -> list[GroupTotal]:
    """Approved hours per role, organisation, category or locality, largest first, from the
    role rollup; `start` and `end` are months (inclusive); `organisation_id` limits to one
    organisation's roles. Roles with no category or locality are grouped as "Not set"."""
    label, joined, key = GROUPINGS[grouping]
    per_role = select(RoleMonthHours.role_id, func.sum(RoleMonthHours.quarters).label("q"))
    if organisation_id is not None:
        per_role = per_role.join(Role, Role.id == RoleMonthHours.role_id)
    roles = _within(per_role, start, end, organisation_id).group_by(RoleMonthHours.role_id)
    roles = roles.subquery()
    total = func.sum(roles.c.q)
    query = select(key, label, total).select_from(roles).join(Role, Role.id == roles.c.role_id)
    if joined is Organisation:
        query = query.join(Organisation, Organisation.id == Role.organisation_id)
    elif joined is not None:
        foreign = Role.category_id if joined is Category else Role.locality_id
        query = query.outerjoin(joined, joined.id == foreign)
    rows = db.session.execute(
        query.group_by(key, label).having(total > 0).order_by(total.desc(), label)
    )
    return [GroupTotal(row[0], row[1] or "Not set", int(row[2])) for row in rows]


def totals_by_month(
    *, start: date | None = None, end: date | None = None, organisation_id: int | None = None
) -> list[MonthTotal]:
    total = func.sum(RoleMonthHours.quarters)
    query = select(RoleMonthHours.month, total)
    if organisation_id is not None:
        query = query.join(Role, Role.id == RoleMonthHours.role_id)
    query = _within(query, start, end, organisation_id)
    rows = db.session.execute(query.group_by(RoleMonthHours.month).order_by(RoleMonthHours.month))
    return [MonthTotal(month, int(quarters)) for month, quarters in rows]


def _within(query: Any, start: date | None, end: date | None, organisation_id: int | None) -> Any:
    if start is not None:
        query = query.where(RoleMonthHours.month >= month_of(start))
    if end is not None:
        query = query.where(RoleMonthHours.month <= month_of(end))
    if organisation_id is not None:
        query = query.where(Role.organisation_id == organisation_id)
    return query


def hub_total(*, start: date | None = None, end: date | None = None) -> int:
    query = _within(select(func.coalesce(func.sum(RoleMonthHours.quarters), 0)), start, end, None)
    return int(db.session.scalar(query) or 0)


def lifetime_progress(volunteer_id: int) -> Progress:
    """The volunteer's approved hours so far against the milestones, as `progress_of` gives
    them, in two statements (the total with the milestones reached, then the setting): small
    enough for a card on a busy page."""
    total = select(literal(-1), func.coalesce(func.sum(VolunteerMonthHours.quarters), 0)).where(
        VolunteerMonthHours.volunteer_id == volunteer_id
    )
    reached = select(Milestone.hours, literal(0)).where(Milestone.volunteer_id == volunteer_id)
    quarters, hours_reached = 0, []
    for hours, value in db.session.execute(union_all(total, reached)):
        if hours == -1:
            quarters = int(value)
        else:
            hours_reached.append(int(hours))
    upcoming = [
        hours
        for hours in milestone_hours()
        if hours * QUARTERS_PER_HOUR > quarters and hours not in hours_reached
    ]
    return Progress(quarters, sorted(hours_reached), upcoming[0] if upcoming else None)
