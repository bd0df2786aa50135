"""The report's other figures: applications and how they went, new volunteers, placements
started and training completed, each one or two SQL aggregates over indexed columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from statistics import median
from typing import Any

from sqlalchemy import func, select, union_all

from ..clock import local_date
from ..extensions import db
from ..organisations.models import Organisation
from ..placements.models import STATUS_LABELS, Placement, PlacementEvent, PlacementStatus
from ..reference.models import Locality
from ..training.models import Course, RecordStatus, TrainingRecord, course_categories
from ..volunteers.models import ErasedVolunteer, VolunteerProfile
from ..workdays import is_working_day
from .filters import ReportFilters, matching_roles
from .periods import utc_bounds


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Funnel:
    """Applications made in the period: how many were ever approved, how many became active,
    where they all stand now, and the median working days from applying to a decision."""

    applied: int
    approved: int
    active: int
    outcomes: list[Count]
    decided: int
    median_days: float | None


def _applications(filters: ReportFilters) -> Any:
    begin, after = utc_bounds(filters.start, filters.end)
    query = select(Placement.id).where(Placement.created_at >= begin, Placement.created_at < after)
    roles = matching_roles(filters)
    if roles is not None:
        query = query.where(Placement.role_id.in_(roles))
    return query


def _reached(applications: Any) -> dict[str, int]:
    """How many of the applications were ever approved, and ever active (they may have moved
    on since), from their timelines."""
    rows = db.session.execute(
        select(PlacementEvent.status, func.count(PlacementEvent.placement_id.distinct()))
        .where(
            PlacementEvent.status.in_([PlacementStatus.APPROVED, PlacementStatus.ACTIVE]),
            PlacementEvent.placement_id.in_(applications),
        )
        .group_by(PlacementEvent.status)
    )
    return {str(status): int(count) for status, count in rows}


def funnel(filters: ReportFilters) -> Funnel:
    applications = _applications(filters)
    statuses = dict(
        db.session.execute(
            select(Placement.status, func.count())
            .where(Placement.id.in_(applications))
            .group_by(Placement.status)
        ).all()
    )
    outcomes = [
        Count(str(status), STATUS_LABELS[status], int(statuses[status]))
        for status in PlacementStatus
        if statuses.get(status)
    ]
    waits = decision_waits(applications)
    reached = _reached(applications)
    return Funnel(
        applied=sum(int(count) for count in statuses.values()),
        approved=reached.get(PlacementStatus.APPROVED, 0),
        active=reached.get(PlacementStatus.ACTIVE, 0),
        outcomes=outcomes,
        decided=len(waits),
        median_days=median(waits) if waits else None,
    )


FIRST_YEAR = 1990  # working days are counted from its first day


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
    """Working days counted up to `day`: the difference of two is `working_days_between` them
    (the working days after the first, up to and including the second)."""
    return _year_numbers(day.year)[day]


def decision_waits(applications: Any) -> list[int]:
    """Working days from each application to its first decision (0: decided the same day),
    for the applications that have been decided."""
    pairs = db.session.execute(
        select(Placement.created_at, Placement.decided_at).where(
            Placement.id.in_(applications), Placement.decided_at.is_not(None)
        )
    )
    return [
        working_day_number(local_date(decided)) - working_day_number(local_date(applied))
        for applied, decided in pairs
        if decided is not None
    ]


def placements_started(filters: ReportFilters) -> int:
    """Placements that became active in the period."""
    begin, after = utc_bounds(filters.start, filters.end)
    query = select(func.count(PlacementEvent.placement_id.distinct())).where(
        PlacementEvent.status == PlacementStatus.ACTIVE,
        PlacementEvent.created_at >= begin,
        PlacementEvent.created_at < after,
    )
    roles = matching_roles(filters)
    if roles is not None:
        query = query.join(Placement, Placement.id == PlacementEvent.placement_id).where(
            Placement.role_id.in_(roles)
        )
    return int(db.session.scalar(query) or 0)


def new_volunteers(filters: ReportFilters) -> list[Count]:
    """People who signed up as volunteers in the period, erased accounts included, by the
    area they gave; only the area filter applies (signing up is to the hub, not a role)."""
    begin, after = utc_bounds(filters.start, filters.end)
    sign_ups = union_all(
        select(VolunteerProfile.locality_id.label("locality_id")).where(
            VolunteerProfile.created_at >= begin, VolunteerProfile.created_at < after
        ),
        select(ErasedVolunteer.locality_id.label("locality_id")).where(
            ErasedVolunteer.signed_up_at >= begin, ErasedVolunteer.signed_up_at < after
        ),
    ).subquery()
    query = (
        select(Locality.id, Locality.name, func.count())
        .select_from(sign_ups)
        .outerjoin(Locality, Locality.id == sign_ups.c.locality_id)
        .group_by(Locality.id, Locality.name)
        .order_by(func.count().desc(), Locality.name)
    )
    if filters.locality_id is not None:
        query = query.where(sign_ups.c.locality_id == filters.locality_id)
    return [
        Count(str(key or "none"), name or "Area not given", int(count))
        for key, name, count in db.session.execute(query)
    ]


def training_completions(filters: ReportFilters) -> list[Count]:
    """Verified training completed in the period, by course, most first. Courses are kept by
    their kind of volunteering and organisation; the area filter does not apply."""
    query = (
        select(Course.id, Course.title, func.count())
        .select_from(TrainingRecord)
        .join(Course, Course.id == TrainingRecord.course_id)
        .where(
            TrainingRecord.status == RecordStatus.VERIFIED,
            TrainingRecord.completed_on.between(filters.start, filters.end),
        )
    )
    if filters.category_id is not None:
        query = query.where(
            Course.id.in_(
                select(course_categories.c.course_id).where(
                    course_categories.c.category_id == filters.category_id
                )
            )
        )
    if filters.organisation_id is not None:
        query = query.where(Course.organisation_id == filters.organisation_id)
    if filters.organisation_kind is not None:
        query = query.where(
            Course.organisation_id.in_(
                select(Organisation.id).where(Organisation.kind == filters.organisation_kind)
            )
        )
    rows = db.session.execute(
        query.group_by(Course.id, Course.title).order_by(func.count().desc(), Course.title)
    )
    return [Count(str(key), title, int(count)) for key, title, count in rows]


def total(counts: Iterable[Count]) -> int:
    return sum(item.count for item in counts)
