"""The report's other figures: applications and how they went, new volunteers, placements
started and training completed, each one or two SQL aggregates over indexed columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import case, func, select, union_all

from ..database import local_day
from ..extensions import db
from ..organisations.models import Organisation
from ..placements.models import STATUS_LABELS, Placement, PlacementEvent, PlacementStatus
from ..reference.models import Locality
from ..training.models import Course, RecordStatus, TrainingRecord, course_categories
from ..volunteers.models import ErasedVolunteer, VolunteerProfile
from ..workdays import working_day_number
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


def made_in_period(filters: ReportFilters) -> list[Any]:
    """The conditions on `Placement` of the applications made in the period, to the roles the
    filters keep."""
    begin, after = utc_bounds(filters.start, filters.end)
    conditions = [Placement.created_at >= begin, Placement.created_at < after]
    roles = matching_roles(filters)
    if roles is not None:
        conditions.append(Placement.role_id.in_(roles))
    return conditions


DECISIONS = (PlacementStatus.APPROVED, PlacementStatus.WAITLISTED, PlacementStatus.DECLINED)


def _timelines(applications: Any) -> Any:
    """Per application: when it was first decided (approved, put on the waiting list or
    declined: asking for more information, or a withdrawal, is not a decision), and whether it
    was ever approved and ever active (it may have moved on since)."""

    def ever(status: PlacementStatus) -> Any:
        return func.max(case((PlacementEvent.status == status, 1), else_=0))

    return (
        select(
            PlacementEvent.placement_id.label("placement_id"),
            func.min(case((PlacementEvent.status.in_(DECISIONS), PlacementEvent.created_at))).label(
                "decided_at"
            ),
            ever(PlacementStatus.APPROVED).label("approved"),
            ever(PlacementStatus.ACTIVE).label("active"),
        )
        .where(PlacementEvent.placement_id.in_(applications))
        .group_by(PlacementEvent.placement_id)
        .subquery("timelines")
    )


def funnel(filters: ReportFilters) -> Funnel:
    """One statement: the applications counted by where they stand now and, for the decided,
    by the local days of applying and of the first decision, so only those pairs of days reach
    Python to be turned into working days."""
    made = made_in_period(filters)
    timelines = _timelines(select(Placement.id).where(*made))
    zone, dialect = current_app.config["TIMEZONE"], db.session.get_bind().dialect.name
    decided_day = local_day(timelines.c.decided_at, zone, dialect)
    applied_day = case(
        (timelines.c.decided_at.is_not(None), local_day(Placement.created_at, zone, dialect))
    )
    rows = db.session.execute(
        select(
            Placement.status,
            applied_day,
            decided_day,
            func.count(),
            func.sum(timelines.c.approved),
            func.sum(timelines.c.active),
        )
        .outerjoin(timelines, timelines.c.placement_id == Placement.id)
        .where(*made)
        .group_by(Placement.status, applied_day, decided_day)
    )
    statuses: Counter[str] = Counter()
    waits: Counter[int] = Counter()
    approved = active = 0
    for status, applied, decided, count, were_approved, were_active in rows:
        statuses[status] += int(count)
        approved += int(were_approved or 0)
        active += int(were_active or 0)
        if decided is not None:
            waits[working_day_number(decided) - working_day_number(applied)] += int(count)
    return Funnel(
        applied=sum(statuses.values()),
        approved=approved,
        active=active,
        outcomes=[
            Count(str(status), STATUS_LABELS[status], statuses[status])
            for status in PlacementStatus
            if statuses[status]
        ],
        decided=sum(waits.values()),
        median_days=weighted_median(waits),
    )


def weighted_median(counts: Counter[int]) -> float | None:
    """The median of the values counted (the mean of the middle two when their number is
    even), as `statistics.median` gives of the values written out."""
    size = sum(counts.values())
    if size == 0:
        return None
    middle = [(size - 1) // 2, size // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return (found[0] + found[1]) / 2


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
            ErasedVolunteer.signed_up_on.between(filters.start, filters.end)
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
