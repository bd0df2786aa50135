"""Staff-side queries and decisions about accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from ..audit.services import record_event
from ..auth.models import AccessLevel, User
from ..extensions import db
from ..mail import OutboxEmail, OutboxStatus
from ..organisations.models import Organisation, OrganisationStatus
from ..placements.queries import waiting_counts
from ..roles.models import Role, RoleStatus
from ..volunteers.models import VolunteerProfile


def volunteer_query(text: str | None) -> Select[Any]:
    """Accounts with a volunteer profile, matching `text` in name or email, by name."""
    query = (
        select(User)
        .join(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .where(User.deleted_at.is_(None))
        .options(selectinload(User.profile).selectinload(VolunteerProfile.locality))
        .order_by(User.name, User.id)
    )
    if text and text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    return query


def user_query(text: str | None) -> Select[Any]:
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.name, User.id)
    if text and text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    return query


def _count(model: Any, *conditions: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def dashboard_figures(today: date) -> dict[str, int]:
    """The staff home page's numbers: work waiting first, then the hub's size."""
    waiting, overdue = waiting_counts(today)
    return {
        "applications_waiting": waiting,
        "applications_overdue": overdue,
        "pending_organisations": _count(
            Organisation, Organisation.status == OrganisationStatus.PENDING
        ),
        "roles_for_review": _count(Role, Role.status == RoleStatus.PENDING_REVIEW),
        "volunteers": _count(VolunteerProfile),
        "pending_email": _count(OutboxEmail, OutboxEmail.status == OutboxStatus.PENDING),
        "failed_email": _count(OutboxEmail, OutboxEmail.status == OutboxStatus.FAILED),
    }


class AccessChangeRefused(Exception):
    """The change would leave the hub without an admin, or is not allowed."""


def change_access_level(user: User, level: AccessLevel, actor: User) -> bool:
    """Set an account's access level (admins only); False when nothing changed."""
    if user.access_level == level:
        return False
    if user.is_admin and level != AccessLevel.ADMIN:
        admins = db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.access_level == AccessLevel.ADMIN, User.deleted_at.is_(None))
        )
        if (admins or 0) <= 1:
            raise AccessChangeRefused("The hub must keep at least one admin.")
    old = user.access_level
    user.access_level = level
    user.session_version += 1
    record_event("account.access_changed", actor=actor, subject=user, old=old, new=str(level))
    return True
