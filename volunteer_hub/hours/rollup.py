"""The monthly rollups of approved hours, changed in the same transaction as every decision,
and the milestones they cross.

Lock order, so that approvals landing together never deadlock: the volunteers' rows (by id),
then the rollup rows (by role, then month); `lock_volunteers` comes first in every change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from ..auth.models import User
from ..certificates.services import issue_for_milestone, issue_missing_milestones
from ..extensions import db
from ..locks import lock_row
from ..mail import queue_email
from ..reference.settings import setting_list
from ..urls import external_url
from .models import (
    QUARTERS_PER_HOUR,
    HoursEntry,
    HoursStatus,
    Milestone,
    RoleMonthHours,
    VolunteerMonthHours,
)


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


def _total_and_reached(volunteer_id: int) -> tuple[int, set[int]]:
    """The volunteer's approved quarter-hours and the milestones they have reached, in one
    statement: the total comes first, marked -1."""
    total = select(literal(-1), func.coalesce(func.sum(VolunteerMonthHours.quarters), 0)).where(
        VolunteerMonthHours.volunteer_id == volunteer_id
    )
    reached = select(Milestone.hours, literal(0)).where(Milestone.volunteer_id == volunteer_id)
    rows = db.session.execute(total.union_all(reached)).all()
    quarters = next(int(value) for marker, value in rows if marker == -1)
    return quarters, {int(marker) for marker, _ in rows if marker != -1}


def record_milestones(volunteer_id: int) -> list[Milestone]:
    """Record each milestone the volunteer's approved hours have reached for the first time,
    and thank them by email. The caller holds the volunteer's row lock, so approvals landing
    together record each milestone once; one reached before and reversed stays recorded."""
    total, reached = _total_and_reached(volunteer_id)
    new = [
        Milestone(volunteer_id=volunteer_id, hours=hours)
        for hours in milestone_hours()
        if hours * QUARTERS_PER_HOUR <= total and hours not in reached
    ]
    if not new:
        return new
    db.session.add_all(new)
    volunteer = db.session.get(User, volunteer_id)
    if volunteer is not None and volunteer.deleted_at is None:
        db.session.flush()  # the milestones' ids, for their certificates
        for milestone in new:
            issue_for_milestone(milestone, volunteer)
        queue_email(
            volunteer.email,
            "milestone_reached",
            recipient_id=volunteer.id,
            name=volunteer.name,
            hours=new[-1].hours,
            url=external_url("hours.mine"),
        )
    return new


def rebuild_rollups() -> int:
    """Compute both rollups afresh from the approved entries, and record each milestone the
    volunteers' totals have reached that is not recorded yet, dated by the approval that
    crossed it; returns how many milestones were recorded.

    For hours loaded in bulk (demo and bench data), with nothing else writing hours meanwhile:
    every decision keeps the rollups in step itself. The result is what the decisions would
    have given (rollup rows at zero apart); no thank-you email is sent for the milestones."""
    approved = HoursEntry.status == HoursStatus.APPROVED
    month = _first_of_month(HoursEntry.worked_on)
    db.session.execute(delete(RoleMonthHours))
    db.session.execute(delete(VolunteerMonthHours))
    db.session.execute(
        insert(VolunteerMonthHours).from_select(
            ["volunteer_id", "role_id", "month", "quarters"],
            select(
                HoursEntry.volunteer_id, HoursEntry.role_id, month, func.sum(HoursEntry.quarters)
            )
            .where(approved)
            .group_by(HoursEntry.volunteer_id, HoursEntry.role_id, month),
        )
    )
    db.session.execute(
        insert(RoleMonthHours).from_select(
            ["role_id", "month", "quarters"],
            select(
                VolunteerMonthHours.role_id,
                VolunteerMonthHours.month,
                func.sum(VolunteerMonthHours.quarters),
            ).group_by(VolunteerMonthHours.role_id, VolunteerMonthHours.month),
        )
    )
    recorded = _milestones_from_entries()
    issue_missing_milestones()
    return recorded


def _first_of_month(day: Any) -> Any:
    """SQL for the first day of `day`'s month, as `month_of` gives it."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc(literal_column("'month'"), day), Date)
    return func.date(day, literal_column("'start of month'"))


def _milestones_from_entries() -> int:
    """Record the milestones reached and not recorded: each at the first approval after
    which the volunteer's running total of approved hours reached it."""
    hours = milestone_hours()
    if not hours:
        return 0
    approved_at = func.coalesce(HoursEntry.verified_at, HoursEntry.updated_at)
    running = (
        select(
            HoursEntry.volunteer_id,
            approved_at.label("approved_at"),
            func.sum(HoursEntry.quarters)
            .over(partition_by=HoursEntry.volunteer_id, order_by=(approved_at, HoursEntry.id))
            .label("quarters"),
        )
        .where(HoursEntry.status == HoursStatus.APPROVED)
        .subquery("running")
    )
    thresholds = union_all(*(select(literal(each).label("hours")) for each in hours)).subquery(
        "thresholds"
    )
    recorded = exists().where(
        Milestone.volunteer_id == running.c.volunteer_id, Milestone.hours == thresholds.c.hours
    )
    reached = (
        select(running.c.volunteer_id, thresholds.c.hours, func.min(running.c.approved_at))
        .join_from(
            running, thresholds, running.c.quarters >= thresholds.c.hours * QUARTERS_PER_HOUR
        )
        .where(~recorded)
        .group_by(running.c.volunteer_id, thresholds.c.hours)
    )
    added = db.session.scalars(
        insert(Milestone)
        .from_select(["volunteer_id", "hours", "reached_at"], reached)
        .returning(Milestone.id)
    )
    return len(added.all())
