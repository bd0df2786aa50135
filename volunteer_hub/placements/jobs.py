"""Scheduled job of the placements feature: every application is answered on time.

On the last working day to decide, the role's deciders are nudged; on the next working day,
if it is still undecided, hub staff are told. Each is sent once for each clock (an answered
request for information starts a new one), however often the job runs.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..mail import queue_email
from ..reminders import claim_reminder
from ..roles.models import Role
from ..urls import external_url
from ..workdays import is_working_day, working_days_between
from .models import Placement, PlacementStatus
from .notices import deciders, staff_members
from .services import expire_offers

NUDGE = "placement-nudge"
ESCALATION = "placement-escalation"


def chase_applications() -> str:
    """Nudge deciders on the last working day, then tell staff the working day after."""
    today = local_today()
    if not is_working_day(today):
        return "not a working day"
    waiting = db.session.scalars(
        select(Placement)
        .where(Placement.status == PlacementStatus.APPLIED, Placement.due_on <= today)
        .options(selectinload(Placement.role).selectinload(Role.organisation))
        .order_by(Placement.due_on, Placement.id)
    ).all()
    nudged = escalated = 0
    for placement in waiting:
        due = placement.due_on or today  # never None: the query asks for a due date
        if due == today:
            if claim_reminder(NUDGE, placement.id, due.isoformat()):
                _send(placement, deciders(placement.role), "placement_nudge", late_by=0)
                nudged += 1
        elif claim_reminder(ESCALATION, placement.id, due.isoformat()):
            late_by = working_days_between(due, today)
            _send(placement, staff_members(), "placement_overdue", late_by=late_by)
            escalated += 1
    db.session.commit()
    return f"nudged {nudged}, escalated {escalated}"


def _send(placement: Placement, people: list[User], template: str, late_by: int) -> None:
    for person in people:
        queue_email(
            person.email,
            template,
            recipient_id=person.id,
            name=person.name,
            role=placement.role.title,
            organisation=placement.role.organisation.name,
            late_by=late_by,
            url=external_url("deciding.review", placement_id=placement.id),
        )


def expire_offers_job() -> str:
    """Withdraw offers of places that ran out, and offer each place to the next in line."""
    count = expire_offers()
    db.session.commit()
    return f"expired {count} offers"
