"""The verifiers' lists of hours: an organisation's entries, staff's queue of hours waiting
across the hub, and the placements coordinators log hours for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..auth.models import User
from ..extensions import db
from ..organisations.models import Organisation
from ..placements.models import Placement
from ..roles.models import Role
from .models import HoursEntry, HoursStatus
from .services import VERIFIER_LOGS, VOLUNTEER_LOGS

ALL = "all"
WAITING = (HoursStatus.PENDING, HoursStatus.QUERIED)


@dataclass(frozen=True)
class EntryFilters:
    """What a list of entries is narrowed to: a status (or `all`), a role, a category, part
    of the volunteer's name, of the organisation's name or of the role's title, and the days
    worked from and to (inclusive)."""

    status: str = HoursStatus.PENDING
    role_id: int | None = None
    category_id: int | None = None
    volunteer: str = ""
    organisation: str = ""
    role_title: str = ""
    start: date | None = None
    end: date | None = None


def _entries() -> Select[HoursEntry]:
    return (
        select(HoursEntry)
        .join(HoursEntry.role)
        .join(Role.organisation)
        .join(HoursEntry.volunteer)
        .options(
            contains_eager(HoursEntry.role).contains_eager(Role.organisation),
            contains_eager(HoursEntry.volunteer),
            joinedload(HoursEntry.placement),
        )
    )


def _narrowed(query: Select[HoursEntry], filters: EntryFilters) -> Select[HoursEntry]:
    if filters.status != ALL:
        query = query.where(HoursEntry.status == filters.status)
    if filters.role_id is not None:
        query = query.where(HoursEntry.role_id == filters.role_id)
    if filters.category_id is not None:
        query = query.where(Role.category_id == filters.category_id)
    if filters.volunteer:
        query = query.where(User.name.icontains(filters.volunteer, autoescape=True))
    if filters.organisation:
        query = query.where(Organisation.name.icontains(filters.organisation, autoescape=True))
    if filters.role_title:
        query = query.where(Role.title.icontains(filters.role_title, autoescape=True))
    if filters.start is not None:
        query = query.where(HoursEntry.worked_on >= filters.start)
    if filters.end is not None:
        query = query.where(HoursEntry.worked_on <= filters.end)
    return query


def organisation_entries(organisation: Organisation, filters: EntryFilters) -> Select[HoursEntry]:
    """The organisation's entries: those waiting, the longest waiting first; decided ones,
    the most recent first."""
    query = _narrowed(_entries().where(Role.organisation_id == organisation.id), filters)
    if filters.status in WAITING:
        return query.order_by(HoursEntry.worked_on, HoursEntry.id)
    return query.order_by(HoursEntry.worked_on.desc(), HoursEntry.id.desc())


def staff_queue(filters: EntryFilters) -> Select[HoursEntry]:
    """Hours waiting to be verified across the hub, the oldest first."""
    waiting = EntryFilters(**{**filters.__dict__, "status": HoursStatus.PENDING})
    return _narrowed(_entries(), waiting).order_by(HoursEntry.worked_on, HoursEntry.id)


def count_pending() -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(HoursEntry)
            .where(HoursEntry.status == HoursStatus.PENDING)
        )
        or 0
    )


def entries_by_id(ids: Sequence[int], organisation: Organisation | None = None) -> list[HoursEntry]:
    """The entries with these ids (of one organisation's roles, when given), with what
    checking who may verify them reads."""
    query = (
        select(HoursEntry)
        .join(HoursEntry.role)
        .where(HoursEntry.id.in_(set(ids)))
        .options(contains_eager(HoursEntry.role).joinedload(Role.organisation))
        .order_by(HoursEntry.id)
    )
    if organisation is not None:
        query = query.where(Role.organisation_id == organisation.id)
    return list(db.session.scalars(query).unique())


def roles_of(organisation: Organisation) -> list[Role]:
    """The organisation's roles, by title, for choosing one."""
    return list(
        db.session.scalars(
            select(Role)
            .where(Role.organisation_id == organisation.id)
            .order_by(Role.title, Role.id)
        )
    )


def _placements() -> Select[Placement]:
    return (
        select(Placement)
        .join(Placement.role)
        .join(Placement.volunteer)
        .options(contains_eager(Placement.role), contains_eager(Placement.volunteer))
        .order_by(User.name, Role.title, Placement.id)
    )


def loggable_placements(organisation: Organisation) -> list[Placement]:
    """The organisation's placements a coordinator logs hours for: approved, active or ended,
    by volunteer's name."""
    return list(
        db.session.scalars(
            _placements().where(
                Role.organisation_id == organisation.id,
                Placement.status.in_([str(status) for status in VERIFIER_LOGS]),
            )
        )
    )


def loggable_placement(organisation: Organisation, placement_id: int) -> Placement | None:
    return db.session.scalar(
        _placements().where(
            Role.organisation_id == organisation.id,
            Placement.id == placement_id,
            Placement.status.in_([str(status) for status in VERIFIER_LOGS]),
        )
    )


def grid_placements(role: Role) -> list[Placement]:
    """The role's approved and active placements (one row each, a group's under its lead),
    by name."""
    return list(
        db.session.scalars(
            _placements().where(
                Placement.role_id == role.id,
                Placement.status.in_([str(status) for status in VOLUNTEER_LOGS]),
            )
        )
    )
