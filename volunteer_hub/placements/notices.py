"""Who hears of a placement's changes, and the emails they get: the volunteer at every
step, the role's deciders of new applications, answers and departures."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.models import AccessLevel, User
from ..extensions import db
from ..mail import queue_email
from ..organisations.models import Membership
from ..roles.models import Decider, Role
from ..urls import external_url
from .models import Placement, PlacementStatus


def staff_members() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.access_level.in_((AccessLevel.STAFF, AccessLevel.ADMIN)),
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        )
    )


def deciders(role: Role) -> list[User]:
    """Who is told of new applications: the organisation's members, or hub staff."""
    if role.decided_by == Decider.ORGANISATION:
        query = (
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == role.organisation_id)
        )
    else:
        return staff_members()
    return list(db.session.scalars(query.where(User.deleted_at.is_(None)).order_by(User.id)))


def tell_deciders(placement: Placement, answered: bool = False, left: bool = False) -> None:
    for decider in deciders(placement.role):
        queue_email(
            decider.email,
            "placement_new",
            recipient_id=decider.id,
            name=decider.name,
            role=placement.role.title,
            answered=answered,
            left=left,
            volunteer=placement.volunteer.name if placement.volunteer else "",
            waitlisted=placement.status == PlacementStatus.WAITLISTED,
            url=external_url("deciding.review", placement_id=placement.id),
        )


def tell_volunteer(
    placement: Placement,
    message: str = "",
    previous: PlacementStatus | None = None,
    reason: str = "",
) -> None:
    volunteer = placement.volunteer
    if volunteer is None:
        return
    queue_email(
        volunteer.email,
        "placement_status",
        recipient_id=volunteer.id,
        name=volunteer.name,
        role=placement.role.title,
        organisation=placement.role.organisation.name,
        status=placement.status,
        answered=previous == PlacementStatus.INFORMATION_REQUESTED,
        reason=reason,
        expires=placement.offer_expires_at,
        message=message,
        url=external_url("placements.mine", placement_id=placement.id),
    )
