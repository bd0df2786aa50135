"""Who belongs to an organisation: invitations (emailed links, bound to the invited address,
used once) and removing members (never the last manager)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from ..audit.services import record_event
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..urls import external_url
from .models import Invitation, Membership, MembershipLevel, Organisation
from .services import managers, membership_of

INVITATION_DAYS = 14


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    organisation: Organisation, email: str, level: MembershipLevel, actor: User
) -> Invitation:
    """Email a link to join; only the hash of its token is stored. Only approved
    organisations invite (staff may for any), so the hub never mails for an unchecked one."""
    if not organisation.is_approved and not actor.is_staff:
        raise InvitationRefused(
            "You can invite colleagues once the hub has approved the organisation."
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email.strip().lower(),
        level=level,
        token_hash=_token_hash(token),
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    queue_email(
        invitation.email,
        "organisation_invitation",
        sensitive=True,
        inviter=actor.name,
        organisation=organisation.name,
        url=external_url("organisations.accept_invitation", token=token),
        days=INVITATION_DAYS,
    )
    record_event("organisation.member_invited", actor=actor, subject=organisation, level=str(level))
    return invitation


class InvitationInvalid(Exception):
    """The invitation link is unknown, used or out of date."""


class InvitationRefused(Exception):
    """The invitation cannot be sent or taken up; the message is safe to show."""


def invitation_for(token: str) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        raise InvitationInvalid("This invitation has expired or has already been used.")
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Join the organisation, or move up to manage if the invitation says so (an invitation
    never takes a level away); the link is then used up.

    Only the account whose confirmed address the invitation was sent to may take it up, and
    only once: the link is claimed by a conditional update, so two clicks at the same moment
    cannot both succeed.
    """
    if user.email != invitation.email or not user.email_verified:
        raise InvitationRefused(
            f"This invitation was sent to {invitation.email}. Sign in with that address to "
            "accept it, or ask for an invitation to your own address."
        )
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        raise InvitationInvalid("This invitation has expired or has already been used.")
    membership = membership_of(user, invitation.organisation)
    if membership is None:
        membership = Membership(
            organisation_id=invitation.organisation_id, user_id=user.id, level=invitation.level
        )
        db.session.add(membership)
    elif invitation.level == MembershipLevel.MANAGE:
        membership.level = MembershipLevel.MANAGE
    db.session.flush()
    record_event(
        "organisation.member_joined",
        actor=user,
        subject=invitation.organisation,
        level=invitation.level,
    )
    return membership


def cancel_invitations(organisation: Organisation, *, sent_by: int) -> int:
    """Withdraw the open invitations someone sent for the organisation (when they leave)."""
    result = db.session.execute(
        delete(Invitation).where(
            Invitation.organisation_id == organisation.id,
            Invitation.invited_by_id == sent_by,
            Invitation.accepted_at.is_(None),
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def cancel_invitation(invitation: Invitation, actor: User) -> None:
    record_event("organisation.invitation_cancelled", actor=actor, subject=invitation.organisation)
    db.session.delete(invitation)


class MembershipRefused(Exception):
    """The change would leave the organisation with no one to manage it."""


def remove_member(membership: Membership, actor: User) -> None:
    """Take someone out of an organisation; never its last manager.

    The organisation's row is locked first (on PostgreSQL), so two managers removing each
    other at once cannot both succeed.
    """
    db.session.execute(
        select(Organisation.id)
        .where(Organisation.id == membership.organisation_id)
        .with_for_update()
    )
    if membership.can_manage and len(managers(membership.organisation)) <= 1:
        raise MembershipRefused("An organisation needs at least one member who manages it.")
    cancel_invitations(membership.organisation, sent_by=membership.user_id)
    record_event(
        "organisation.member_removed",
        actor=actor,
        subject=membership.organisation,
        user_id=membership.user_id,
    )
    db.session.delete(membership)
