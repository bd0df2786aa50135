"""Organisation rules: registration, due diligence, moderation and membership."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from slugify import slugify
from sqlalchemy import func, select

from ..audit.services import record_event
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..reference.models import Concept
from ..urls import external_url
from .models import (
    ORGANISATION_TRANSITIONS,
    Membership,
    MembershipLevel,
    Organisation,
    OrganisationStatus,
)


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    kind: str
    charity_number: str | None
    description: str
    website: str | None
    locality_id: int | None
    cause_ids: list[int]
    contact_email: str
    contact_phone: str | None
    safeguarding_policy: bool
    safeguarding_lead_name: str | None
    safeguarding_lead_email: str | None
    insurance_held: bool
    insurance_expires_on: date | None
    approves_shift_hours: bool = False


# Slugs that would clash with fixed paths (`/organisations/register`, `/staff/organisations/new`).
RESERVED_SLUGS = frozenset({"new", "register"})


def unique_slug(name: str) -> str:
    base = slugify(name, max_length=100) or "organisation"
    if base in RESERVED_SLUGS:
        base = f"{base}-organisation"
    slug, number = base, 2
    while db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.slug == slug)
    ):
        slug, number = f"{base}-{number}", number + 1
    return slug


def apply_details(organisation: Organisation, details: OrganisationDetails) -> None:
    organisation.name = details.name.strip()
    organisation.kind = details.kind
    organisation.charity_number = details.charity_number or None
    organisation.description = details.description.strip()
    organisation.website = details.website or None
    organisation.locality_id = details.locality_id
    organisation.causes = list(
        db.session.scalars(
            select(Concept).where(Concept.id.in_(details.cause_ids), Concept.scheme == "cause")
        )
    )
    organisation.contact_email = details.contact_email.strip().lower()
    organisation.contact_phone = details.contact_phone or None
    organisation.safeguarding_policy = details.safeguarding_policy
    organisation.safeguarding_lead_name = details.safeguarding_lead_name or None
    organisation.safeguarding_lead_email = details.safeguarding_lead_email or None
    organisation.insurance_held = details.insurance_held
    organisation.insurance_expires_on = (
        details.insurance_expires_on if details.insurance_held else None
    )
    organisation.approves_shift_hours = details.approves_shift_hours


def register_organisation(details: OrganisationDetails, founder: User) -> Organisation:
    """A pending organisation with `founder` as its first (managing) coordinator."""
    organisation = Organisation(slug=unique_slug(details.name), created_by_id=founder.id)
    apply_details(organisation, details)
    db.session.add(organisation)
    db.session.add(
        Membership(organisation=organisation, user=founder, level=MembershipLevel.MANAGE)
    )
    db.session.flush()
    record_event("organisation.registered", actor=founder, subject=organisation)
    return organisation


def create_organisation(details: OrganisationDetails, actor: User) -> Organisation:
    """Staff add an organisation directly: approved at once, with no members yet."""
    organisation = Organisation(
        slug=unique_slug(details.name),
        created_by_id=actor.id,
        status=OrganisationStatus.APPROVED,
        status_changed_at=utcnow(),
    )
    apply_details(organisation, details)
    db.session.add(organisation)
    db.session.flush()
    record_event("organisation.created", actor=actor, subject=organisation, status="approved")
    return organisation


def update_organisation(
    organisation: Organisation, details: OrganisationDetails, actor: User
) -> bool:
    """Save changes; True when the organisation went back to hub staff for review: a declined
    one edited by its managers, or an approved one whose checked due diligence they changed
    (kind, charity number, safeguarding policy, insurance)."""
    renamed = organisation.name != details.name.strip()
    before = {name: getattr(organisation, name) for name in RECHECKED}
    apply_details(organisation, details)
    db.session.flush()
    if renamed:
        from ..roles.search import refresh_organisation_entries  # roles depend on organisations

        refresh_organisation_entries(organisation)
    rechecked = sorted(name for name in RECHECKED if getattr(organisation, name) != before[name])
    record_event("organisation.updated", actor=actor, subject=organisation, rechecked=rechecked)
    membership = membership_of(actor, organisation)
    if organisation.status == OrganisationStatus.DECLINED and membership and membership.can_manage:
        change_status(organisation, OrganisationStatus.PENDING, actor)
        return True
    if organisation.status == OrganisationStatus.APPROVED and rechecked and not actor.is_staff:
        reason = "The hub checks these again: " + ", ".join(RECHECKED[name] for name in rechecked)
        change_status(organisation, OrganisationStatus.PENDING, actor, reason)
        return True
    return False


# Due diligence the hub checked before approving: changing it sends the organisation back.
RECHECKED = {
    "kind": "kind of organisation",
    "charity_number": "charity number",
    "safeguarding_policy": "safeguarding policy",
    "insurance_held": "public liability insurance",
}


class TransitionRefused(Exception):
    """A status change the rules do not allow; the message is safe to show."""


class ReasonRequired(TransitionRefused):
    """Declining or suspending needs a reason the organisation will read."""


class Decision(enum.StrEnum):
    """What hub staff may decide about an organisation."""

    APPROVE = "approve"
    DECLINE = "decline"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


# Each decision: the status it needs the organisation to be in, and the one it leads to.
DECISIONS: dict[Decision, tuple[OrganisationStatus, OrganisationStatus]] = {
    Decision.APPROVE: (OrganisationStatus.PENDING, OrganisationStatus.APPROVED),
    Decision.DECLINE: (OrganisationStatus.PENDING, OrganisationStatus.DECLINED),
    Decision.SUSPEND: (OrganisationStatus.APPROVED, OrganisationStatus.SUSPENDED),
    Decision.REINSTATE: (OrganisationStatus.SUSPENDED, OrganisationStatus.APPROVED),
}


def decisions_for(organisation: Organisation) -> list[Decision]:
    """The decisions staff can make about the organisation as it stands."""
    return [d for d, (before, _) in DECISIONS.items() if before == organisation.status]


def decide(organisation: Organisation, decision: Decision, actor: User, reason: str = "") -> None:
    """A staff decision (approve, decline, suspend, reinstate), or `TransitionRefused`."""
    if not actor.is_staff:
        raise TransitionRefused("Only hub staff decide about organisations.")
    before, after = DECISIONS[decision]
    if organisation.status != before:
        raise TransitionRefused(
            f"You cannot {decision} an organisation that is {organisation.status}: "
            f"only one that is {before}."
        )
    change_status(organisation, after, actor, reason)


def change_status(
    organisation: Organisation, new: OrganisationStatus, actor: User, reason: str = ""
) -> None:
    """Move an organisation along its status machine (staff decide); audited and emailed.
    The row is read again under a lock (PostgreSQL), so simultaneous decisions queue."""
    db.session.refresh(organisation, with_for_update=True)
    current = OrganisationStatus(organisation.status)
    if new not in ORGANISATION_TRANSITIONS[current]:
        raise TransitionRefused(f"An organisation that is {current} cannot become {new}.")
    if new in (OrganisationStatus.DECLINED, OrganisationStatus.SUSPENDED) and not reason.strip():
        raise ReasonRequired("Give a reason: the organisation will see it.")
    organisation.status = new
    organisation.status_reason = reason.strip()
    organisation.status_changed_at = utcnow()
    record_event(
        f"organisation.{new}",
        actor=actor,
        subject=organisation,
        previous=str(current),
        reason=organisation.status_reason,
    )
    for member in managers(organisation):
        queue_email(
            member.email,
            "organisation_status",
            recipient_id=member.id,
            name=member.name,
            organisation=organisation.name,
            status=str(new),
            reason=organisation.status_reason,
            url=external_url("organisations.manage", slug=organisation.slug),
        )


def managers(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.level == MembershipLevel.MANAGE,
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        )
    )


def membership_of(user: User | None, organisation: Organisation) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )


def can_coordinate(user: User | None, organisation: Organisation) -> bool:
    """Staff, or any member of the organisation."""
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    return membership_of(user, organisation) is not None


def can_manage(user: User | None, organisation: Organisation) -> bool:
    """Staff, or a member with the manage level."""
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    membership = membership_of(user, organisation)
    return membership is not None and membership.can_manage


def organisations_of(user: User) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name)
        )
    )
