"""Which training a volunteer holds: records that count today, and what a role still needs.

A record counts when it is verified and has not expired: `expires_on` is the first day it no
longer counts. Every question here is answered in one statement, however many courses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select

from ..clock import add_months
from ..extensions import db
from ..roles.models import Role, role_courses
from .models import Course, RecordStatus, TrainingRecord


def expiry_date(course: Course, completed_on: date) -> date | None:
    """When a completion of `course` on `completed_on` stops counting (None: never)."""
    if course.validity_months is None:
        return None
    return add_months(completed_on, course.validity_months)


def counting(today: date) -> ColumnElement[bool]:
    """The condition on `TrainingRecord` for a record that counts on `today`."""
    return and_(
        TrainingRecord.status == RecordStatus.VERIFIED,
        or_(TrainingRecord.expires_on.is_(None), TrainingRecord.expires_on > today),
    )


def held_courses(volunteer_ids: Iterable[int], today: date) -> dict[int, set[int]]:
    """For each volunteer, the ids of the courses they hold a counting record of."""
    ids = list(volunteer_ids)
    held: dict[int, set[int]] = {volunteer_id: set() for volunteer_id in ids}
    if not ids:
        return held
    rows = db.session.execute(
        select(TrainingRecord.volunteer_id, TrainingRecord.course_id)
        .where(TrainingRecord.volunteer_id.in_(ids), counting(today))
        .distinct()
    )
    for volunteer_id, course_id in rows:
        if volunteer_id is not None:
            held[volunteer_id].add(course_id)
    return held


def required_courses(role_ids: Iterable[int]) -> dict[int, list[Course]]:
    """For each role, the courses it requires, by title."""
    ids = list(role_ids)
    required: dict[int, list[Course]] = {role_id: [] for role_id in ids}
    if not ids:
        return required
    rows = db.session.execute(
        select(role_courses.c.role_id, Course)
        .join(Course, Course.id == role_courses.c.course_id)
        .where(role_courses.c.role_id.in_(ids))
        .order_by(Course.title, Course.id)
    )
    for role_id, course in rows:
        required[role_id].append(course)
    return required


def missing_courses(volunteer_id: int, role: Role, today: date) -> list[Course]:
    """The courses `role` requires that the volunteer holds no counting record of."""
    needed = required_courses([role.id])[role.id]
    if not needed:
        return []
    held = held_courses([volunteer_id], today)[volunteer_id]
    return [course for course in needed if course.id not in held]


def latest_record(volunteer_id: int, course_id: int) -> TrainingRecord | None:
    """The volunteer's verified record of the course that lasts longest."""
    return db.session.scalars(
        select(TrainingRecord)
        .where(
            TrainingRecord.volunteer_id == volunteer_id,
            TrainingRecord.course_id == course_id,
            TrainingRecord.status == RecordStatus.VERIFIED,
        )
        .order_by(TrainingRecord.expires_on.desc().nulls_first(), TrainingRecord.id.desc())
        .limit(1)
    ).first()
