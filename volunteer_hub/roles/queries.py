"""Read-only queries of the moderation pages: a role's status history and the staff queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from ..audit.models import AuditEvent
from ..extensions import db
from ..organisations.models import Organisation
from .models import Role, RoleStatus

# The audit events that make up a role's history on its management page.
HISTORY_ACTIONS = (
    "role.created",
    "role.confirmed_current",
    *(f"role.{status}" for status in RoleStatus),
)


def status_history(role: Role) -> Select[AuditEvent]:
    """The role's status changes, newest first, with who made them."""
    return (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .where(
            AuditEvent.subject_type == "Role",
            AuditEvent.subject_id == role.id,
            AuditEvent.action.in_(HISTORY_ACTIONS),
        )
        .order_by(AuditEvent.id.desc())
    )


def _submissions() -> Select[int | None, datetime]:
    return (
        select(AuditEvent.subject_id, func.max(AuditEvent.created_at).label("submitted_at"))
        .where(AuditEvent.subject_type == "Role", AuditEvent.action == "role.pending-review")
        .group_by(AuditEvent.subject_id)
    )


def review_queue(status: str | None = None, organisation: str | None = None) -> Select[Role]:
    """Every role for staff: those waiting for review first, the longest waiting first; then
    the rest, most recently changed first. Filtered by status and organisation name."""
    submitted = _submissions().subquery()
    waiting = Role.status == RoleStatus.PENDING_REVIEW
    query = (
        select(Role)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .outerjoin(submitted, submitted.c.subject_id == Role.id)
        .options(contains_eager(Role.organisation), selectinload(Role.category))
        .order_by(
            case((waiting, 0), else_=1),
            case((waiting, func.coalesce(submitted.c.submitted_at, Role.updated_at))),
            Role.updated_at.desc(),
            Role.id.desc(),
        )
    )
    if status:
        query = query.where(Role.status == status)
    if organisation:
        query = query.where(Organisation.name.icontains(organisation, autoescape=True))
    return query


def submitted_at(roles: list[Role]) -> dict[int, datetime]:
    """When each of the roles was last sent for review (one query for a page of them)."""
    if not roles:
        return {}
    rows = db.session.execute(
        _submissions().where(AuditEvent.subject_id.in_([role.id for role in roles]))
    )
    return {row.subject_id: row.submitted_at for row in rows}
