"""Read-only queries behind the organisation pages: the public directory, the staff queue, an
organisation's members, open invitations and decision history. Each returns a `Select` the
view paginates, with the relationships the page shows loaded up front."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from ..audit.models import AuditEvent
from ..auth.models import AccessLevel, User
from ..database import utcnow
from ..extensions import db
from ..reference.models import Locality
from .models import (
    Invitation,
    Membership,
    MembershipLevel,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)


@dataclass(frozen=True)
class DirectoryFilter:
    """What the directory is narrowed to; unknown values were dropped on the way in."""

    text: str = ""
    kinds: list[str] = field(default_factory=list)
    locality_ids: list[int] = field(default_factory=list)


def directory_filter(text: str, kinds: list[str], localities: list[str]) -> DirectoryFilter:
    """A filter from query-string values, keeping only kinds and localities that exist."""
    known = {kind.value for kind in OrganisationKind}
    return DirectoryFilter(
        text=text.strip()[:200],
        kinds=[kind for kind in kinds if kind in known],
        locality_ids=locality_ids_for(localities),
    )


def locality_ids_for(values: Iterable[str]) -> list[int]:
    """Locality ids for slugs or ids given in a query string; unknown ones are left out."""
    slugs = [value for value in values if value and not value.isdigit()]
    ids = [int(value) for value in values if value.isdigit() and len(value) < 10]
    if not slugs and not ids:
        return []
    return list(
        db.session.scalars(
            select(Locality.id).where(or_(Locality.slug.in_(slugs), Locality.id.in_(ids)))
        )
    )


def directory_query(wanted: DirectoryFilter) -> Select[Any]:
    """Approved organisations, by name, with their locality and causes loaded."""
    query = (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.APPROVED)
        .options(selectinload(Organisation.locality), selectinload(Organisation.causes))
        .order_by(Organisation.name, Organisation.id)
    )
    if wanted.text:
        query = query.where(
            func.lower(Organisation.name).contains(wanted.text.lower(), autoescape=True)
        )
    if wanted.kinds:
        query = query.where(Organisation.kind.in_(wanted.kinds))
    if wanted.locality_ids:
        query = query.where(Organisation.locality_id.in_(wanted.locality_ids))
    return query


def queue_query(status: str | None) -> Select[Any]:
    """Organisations for staff: pending first, then the longest waiting."""
    waiting_since = func.coalesce(Organisation.status_changed_at, Organisation.created_at)
    query = (
        select(Organisation)
        .options(selectinload(Organisation.locality))
        .order_by(
            case((Organisation.status == OrganisationStatus.PENDING, 0), else_=1),
            waiting_since,
            Organisation.id,
        )
    )
    if status:
        query = query.where(Organisation.status == status)
    return query


def members_query(organisation: Organisation) -> Select[Any]:
    """The organisation's members, managers first, then by name."""
    return (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation.id)
        .options(selectinload(Membership.user))
        .order_by(
            case((Membership.level == MembershipLevel.MANAGE, 0), else_=1),
            User.name,
            Membership.id,
        )
    )


def open_invitations(organisation: Organisation, limit: int = 20) -> list[Invitation]:
    """The newest invitations not yet accepted nor expired."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
            .limit(limit)
        )
    )


def history_query(organisation: Organisation) -> Select[Any]:
    """Every audited event about the organisation, newest first, with who did it."""
    return (
        select(AuditEvent)
        .where(AuditEvent.subject_type == "Organisation", AuditEvent.subject_id == organisation.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )


def hub_staff() -> list[User]:
    """Every active staff and admin account."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.access_level.in_([AccessLevel.STAFF, AccessLevel.ADMIN]),
                User.active,
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        )
    )
