"""Scheduled jobs of the roles feature: closing finished roles and asking organisations to check
adverts that have gone six months without a look. Both are safe to run twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..clock import local_date, local_today
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..organisations.models import Organisation, OrganisationStatus
from ..organisations.services import managers
from ..reminders import claim_reminder
from ..retention import months_before
from ..urls import external_url
from .models import Role, RoleStatus
from .services import transition

REFRESH_MONTHS = 6
REFRESH_REMINDER = "role-refresh"


def close_finished_roles() -> str:
    """Close published roles whose closing date or end date has passed (hub local date)."""
    today = local_today()
    roles = db.session.scalars(
        select(Role)
        .where(
            Role.status == RoleStatus.PUBLISHED,
            or_(Role.apply_by < today, Role.ends_on < today),
        )
        .order_by(Role.id)
    ).all()
    for role in roles:
        transition(role, RoleStatus.CLOSED, None, "The closing date or end date has passed.")
    db.session.commit()
    return f"closed {len(roles)} roles"


def periods_since(start: datetime, now: datetime, months: int = REFRESH_MONTHS) -> int:
    """How many whole periods of `months` calendar months lie between `start` and `now`."""
    count = 0
    while months_before(now, months * (count + 1)) >= start:
        count += 1
    return count


def remind_stale_roles() -> str:
    """Email the managers of each published role not checked by its organisation for six
    months: once per role per six-month period (a claim per role, last check and period)."""
    now = utcnow()
    checked = func.coalesce(Role.reviewed_by_organisation_at, Role.published_at)
    roles = db.session.scalars(
        select(Role)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .where(
            Role.status == RoleStatus.PUBLISHED,
            Organisation.status == OrganisationStatus.APPROVED,
            checked < months_before(now, REFRESH_MONTHS),
        )
        .options(selectinload(Role.organisation))
        .order_by(Role.id)
    ).all()
    reminded = 0
    for role in roles:
        since = role.reviewed_by_organisation_at or role.published_at
        if since is None:  # not possible: the query found one of them
            continue
        period = f"{since.isoformat(timespec='seconds')}/{periods_since(since, now)}"
        if not claim_reminder(REFRESH_REMINDER, role.id, period):
            continue
        for member in managers(role.organisation):
            queue_email(
                member.email,
                "role_refresh",
                recipient_id=member.id,
                name=member.name,
                role=role.title,
                organisation=role.organisation.name,
                since=local_date(since),
                url=external_url("roles.manage", slug=role.slug),
            )
        db.session.commit()
        reminded += 1
    return f"reminded the organisations of {reminded} roles"
