"""The monthly rollups of approved hours, changed in the same transaction as every decision,
and the milestones they cross.

Lock order, so that approvals landing together never deadlock: the volunteers' rows (by id),
then the rollup rows (by role, then month); `lock_volunteers` comes first in every change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..auth.models import User
from ..extensions import db
from ..locks import lock_row
from ..mail import queue_email
from ..reference.settings import setting_list
from ..urls import external_url
from .models import QUARTERS_PER_HOUR, HoursEntry, Milestone, RoleMonthHours, VolunteerMonthHours


def month_of(day: date) -> date:
    return day.replace(day=1)


def lock_volunteers(volunteer_ids: Iterable[int]) -> None:
    """Hold the volunteers' rows until commit, lowest id first."""
    for volunteer_id in sorted(set(volunteer_ids)):
        lock_row(User, volunteer_id)


def add_to_rollups(entries: Iterable[HoursEntry], sign: int) -> None:
    """Add (`sign` 1) or take away (-1) the entries' hours in both rollups."""
    by_volunteer: dict[tuple[int, int, date], int] = {}
    by_role: dict[tuple[int, date], int] = {}
    for entry in entries:
        month = month_of(entry.worked_on)
        key = (entry.volunteer_id, entry.role_id, month)
        by_volunteer[key] = by_volunteer.get(key, 0) + sign * entry.quarters
        by_role[(entry.role_id, month)] = by_role.get((entry.role_id, month), 0) + (
            sign * entry.quarters
        )
    for (role_id, month), quarters in sorted(by_role.items()):
        _upsert(RoleMonthHours, {"role_id": role_id, "month": month}, quarters)
    for (volunteer_id, role_id, month), quarters in sorted(by_volunteer.items()):
        _upsert(
            VolunteerMonthHours,
            {"volunteer_id": volunteer_id, "role_id": role_id, "month": month},
            quarters,
        )


def _upsert(model: Any, keys: dict[str, Any], quarters: int) -> None:
    """Add `quarters` to the row with `keys`, creating it if need be, in one statement."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**keys, quarters=quarters)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={"quarters": model.__table__.c.quarters + statement.excluded.quarters},
        )
    )


def approved_quarters(volunteer_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(VolunteerMonthHours.quarters), 0)).where(
                VolunteerMonthHours.volunteer_id == volunteer_id
            )
        )
        or 0
    )


def milestone_hours() -> list[int]:
    return setting_list("milestone_hours")


def record_milestones(volunteer: User) -> list[Milestone]:
    """Record each milestone the volunteer's approved hours have reached for the first time,
    and thank them by email. The caller holds the volunteer's row lock, so approvals landing
    together record each milestone once; one reached before and reversed stays recorded."""
    total = approved_quarters(volunteer.id)
    reached = set(
        db.session.scalars(select(Milestone.hours).where(Milestone.volunteer_id == volunteer.id))
    )
    new = [
        Milestone(volunteer_id=volunteer.id, hours=hours)
        for hours in milestone_hours()
        if hours * QUARTERS_PER_HOUR <= total and hours not in reached
    ]
    db.session.add_all(new)
    if new and volunteer.deleted_at is None:
        queue_email(
            volunteer.email,
            "milestone_reached",
            recipient_id=volunteer.id,
            name=volunteer.name,
            hours=new[-1].hours,
            url=external_url("hours.mine"),
        )
    return new
