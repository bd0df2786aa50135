"""Reading training: the public calendar, a person's bookings and records, the next
sessions of the courses a role needs. Each answer is a constant number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import User
from ..extensions import db
from ..organisations.models import Organisation, OrganisationStatus
from ..roles.models import Role
from ..shifts.services import local_moment
from .models import (
    BookingStatus,
    Course,
    RecordStatus,
    TrainingBooking,
    TrainingRecord,
    TrainingSession,
)
from .records import held_courses, required_courses
from .services import OPEN

SOON_DAYS = 60  # a record expiring within this many days is shown as expiring
# A course open for booking (with `Organisation` outer-joined): not archived, and the hub's
# own or an approved organisation's.
OFFERED = (
    Course.archived.is_(False),
    or_(Course.organisation_id.is_(None), Organisation.status == OrganisationStatus.APPROVED),
)


@dataclass(frozen=True)
class CalendarQuery:
    course_id: int | None = None
    locality_id: int | None = None
    month: date | None = None  # the first day of a month


def calendar_sessions(query: CalendarQuery, now: datetime) -> Select[TrainingSession]:
    """Sessions still to start, of courses still offered, soonest first."""
    statement = (
        select(TrainingSession)
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(Organisation, Organisation.id == Course.organisation_id)
        .where(
            TrainingSession.starts_at > now,
            TrainingSession.cancelled_at.is_(None),
            *OFFERED,
        )
        .options(
            contains_eager(TrainingSession.course).contains_eager(Course.organisation),
            joinedload(TrainingSession.locality),
        )
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    if query.course_id is not None:
        statement = statement.where(TrainingSession.course_id == query.course_id)
    if query.locality_id is not None:
        statement = statement.where(TrainingSession.locality_id == query.locality_id)
    if query.month is not None:
        first = query.month
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        statement = statement.where(
            TrainingSession.starts_at >= local_moment(first, time(0)),
            TrainingSession.starts_at < local_moment(following, time(0)),
        )
    return statement


def open_courses() -> list[Course]:
    """The courses open for booking, by title."""
    return list(
        db.session.scalars(
            select(Course)
            .outerjoin(Organisation, Organisation.id == Course.organisation_id)
            .where(*OFFERED)
            .order_by(Course.title)
        )
    )


def sessions_booked_by(user: User, since: datetime) -> list[TrainingSession]:
    """Sessions the person has a place on (or attended) ending after `since`."""
    return list(
        db.session.scalars(
            select(TrainingSession)
            .join(TrainingBooking, TrainingBooking.session_id == TrainingSession.id)
            .where(
                TrainingBooking.volunteer_id == user.id,
                TrainingBooking.status.in_((BookingStatus.BOOKED, BookingStatus.ATTENDED)),
                TrainingSession.ends_at > since,
            )
            .options(joinedload(TrainingSession.course), joinedload(TrainingSession.locality))
            .order_by(TrainingSession.starts_at, TrainingSession.id)
        )
    )


def open_bookings(user: User, now: datetime) -> list[TrainingBooking]:
    """The person's places, waiting-list places and offers on sessions still to start."""
    return list(
        db.session.scalars(
            select(TrainingBooking)
            .join(TrainingSession, TrainingSession.id == TrainingBooking.session_id)
            .where(
                TrainingBooking.volunteer_id == user.id,
                TrainingBooking.status.in_(OPEN),
                TrainingSession.starts_at > now,
            )
            .options(
                contains_eager(TrainingBooking.session).joinedload(TrainingSession.course),
                contains_eager(TrainingBooking.session).joinedload(TrainingSession.locality),
            )
            .order_by(TrainingSession.starts_at, TrainingBooking.id)
        )
    )


def records_of(user: User) -> list[TrainingRecord]:
    """Every record of the person's, newest completion first."""
    return list(
        db.session.scalars(
            select(TrainingRecord)
            .where(TrainingRecord.volunteer_id == user.id)
            .options(joinedload(TrainingRecord.course))
            .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())
        )
    )


def recent_sessions(course_id: int, since: datetime, now: datetime) -> list[TrainingSession]:
    """The course's sessions that started between `since` and `now`, latest first: the
    registers to take."""
    return list(
        db.session.scalars(
            select(TrainingSession)
            .where(
                TrainingSession.course_id == course_id,
                TrainingSession.starts_at > since,
                TrainingSession.starts_at <= now,
                TrainingSession.cancelled_at.is_(None),
            )
            .options(joinedload(TrainingSession.locality))
            .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
        )
    )


@dataclass(frozen=True)
class RecordGroups:
    """A person's records as their training page shows them."""

    valid: list[TrainingRecord]
    expiring: list[TrainingRecord]  # within SOON_DAYS
    expired: list[TrainingRecord]
    other: list[TrainingRecord]  # submissions waiting for staff, or not accepted


def record_groups(user: User, today: date) -> RecordGroups:
    soon = today + timedelta(days=SOON_DAYS)
    groups = RecordGroups([], [], [], [])
    for record in records_of(user):
        if record.status != RecordStatus.VERIFIED:
            groups.other.append(record)
        elif not record.counts_on(today):
            groups.expired.append(record)
        elif record.expires_on is not None and record.expires_on <= soon:
            groups.expiring.append(record)
        else:
            groups.valid.append(record)
    return groups


def next_sessions(
    course_ids: list[int], now: datetime, per_course: int = 3
) -> dict[int, list[TrainingSession]]:
    """The next few sessions of each course, in one statement (a window over each course)."""
    found: dict[int, list[TrainingSession]] = defaultdict(list)
    if not course_ids:
        return found
    ranked = (
        select(
            TrainingSession.id,
            func.row_number()
            .over(
                partition_by=TrainingSession.course_id,
                order_by=(TrainingSession.starts_at, TrainingSession.id),
            )
            .label("rank"),
        )
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(Organisation, Organisation.id == Course.organisation_id)
        .where(
            TrainingSession.course_id.in_(course_ids),
            TrainingSession.starts_at > now,
            TrainingSession.cancelled_at.is_(None),
            *OFFERED,
        )
        .subquery()
    )
    sessions = db.session.scalars(
        select(TrainingSession)
        .join(ranked, ranked.c.id == TrainingSession.id)
        .where(ranked.c.rank <= per_course)
        .options(joinedload(TrainingSession.locality))
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    for session in sessions:
        found[session.course_id].append(session)
    return found


@dataclass(frozen=True)
class TrainingNeed:
    """A course a role requires: whether the viewer holds it (None: not signed in), and
    the next sessions to book when they do not."""

    course: Course
    held: bool | None
    sessions: list[TrainingSession]


def training_needs(
    role: Role, viewer_id: int | None, today: date, now: datetime
) -> list[TrainingNeed]:
    """What the role's page says about training, in four statements at most."""
    needed = required_courses([role.id])[role.id]
    if not needed:
        return []
    held = held_courses([viewer_id], today)[viewer_id] if viewer_id is not None else None
    missing = [course.id for course in needed if held is None or course.id not in held]
    sessions = next_sessions(missing, now)
    return [
        TrainingNeed(
            course=course,
            held=None if held is None else course.id in held,
            sessions=sessions.get(course.id, []),
        )
        for course in needed
    ]
