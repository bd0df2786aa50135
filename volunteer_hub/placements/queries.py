"""The lists of placements: a volunteer's own, and a role's applicants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from ..auth.models import User
from ..extensions import db
from ..organisations.models import Organisation
from ..roles.models import Role
from .models import OPEN, Placement, PlacementEvent, PlacementStatus


def placements_of(volunteer: User) -> Select[Placement]:
    """The volunteer's placements, those still going first, newest first."""
    return (
        select(Placement)
        .where(Placement.volunteer_id == volunteer.id)
        .options(selectinload(Placement.role).selectinload(Role.organisation))
        .order_by(
            case((Placement.status.in_(OPEN), 0), else_=1),
            Placement.status_changed_at.desc(),
            Placement.id.desc(),
        )
    )


def applicants_of(role: Role, status: str = "") -> Select[Placement]:
    """A role's applications, oldest first (first come, first answered): the open ones by
    default, `all`, or those in one status."""
    query = (
        select(Placement)
        .where(Placement.role_id == role.id)
        .options(selectinload(Placement.volunteer), selectinload(Placement.answers))
        .order_by(Placement.created_at, Placement.id)
    )
    if status == "all":
        return query
    if status in set(PlacementStatus):
        return query.where(Placement.status == status)
    return query.where(Placement.status.in_(OPEN))


@dataclass(frozen=True)
class QueueFilters:
    """The staff queue's filters: ids of a category and a locality, part of an organisation's
    name, a status ('' for those waiting for a decision, 'all' for every one), overdue only."""

    status: str = ""
    organisation: str = ""
    category_id: int | None = None
    locality_id: int | None = None
    overdue: bool = False


def staff_queue(filters: QueueFilters, today: date) -> Select[Placement]:
    """Applications across every organisation, those waiting for a decision first, the
    longest overdue at the top, then the oldest."""
    query = (
        select(Placement)
        .join(Placement.role)
        .join(Role.organisation)
        .options(
            contains_eager(Placement.role).contains_eager(Role.organisation),
            selectinload(Placement.volunteer),
        )
        .order_by(Placement.due_on.is_(None), Placement.due_on, Placement.created_at, Placement.id)
    )
    if filters.status == "":
        query = query.where(Placement.status == PlacementStatus.APPLIED)
    elif filters.status != "all":
        query = query.where(Placement.status == filters.status)
    if filters.organisation:
        query = query.where(Organisation.name.icontains(filters.organisation, autoescape=True))
    if filters.category_id is not None:
        query = query.where(Role.category_id == filters.category_id)
    if filters.locality_id is not None:
        query = query.where(Role.locality_id == filters.locality_id)
    if filters.overdue:
        query = query.where(Placement.status == PlacementStatus.APPLIED, Placement.due_on < today)
    return query


def waiting_counts(today: date) -> tuple[int, int]:
    """How many applications wait for a decision, and how many of those are overdue."""
    waiting, overdue = db.session.execute(
        select(
            func.count(),
            func.count(case((Placement.due_on < today, 1))),
        ).where(Placement.status == PlacementStatus.APPLIED)
    ).one()
    return int(waiting), int(overdue)


def waitlist_positions(placements: list[Placement]) -> dict[int, int]:
    """Each waitlisted placement's place in its role's queue (1 is next), in one statement."""
    ids = [p.id for p in placements if p.status == PlacementStatus.WAITLISTED]
    if not ids:
        return {}
    mine, ahead = aliased(Placement), aliased(Placement)
    rows = db.session.execute(
        select(mine.id, func.count(ahead.id))
        .join(
            ahead,
            and_(
                ahead.role_id == mine.role_id,
                ahead.status == PlacementStatus.WAITLISTED,
                or_(
                    ahead.waitlisted_at < mine.waitlisted_at,
                    and_(ahead.waitlisted_at == mine.waitlisted_at, ahead.id <= mine.id),
                ),
            ),
        )
        .where(mine.id.in_(ids))
        .group_by(mine.id)
    ).all()
    return {placement_id: int(position) for placement_id, position in rows}


def timeline_of(placement: Placement) -> list[PlacementEvent]:
    """Every step of the application, oldest first, with who took it."""
    return list(
        db.session.scalars(
            select(PlacementEvent)
            .where(PlacementEvent.placement_id == placement.id)
            .options(selectinload(PlacementEvent.actor))
            .order_by(PlacementEvent.created_at, PlacementEvent.id)
        )
    )
