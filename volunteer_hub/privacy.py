"""The person's rights over their data: everything held about them as JSON (subject access),
and erasure that removes what identifies them while keeping records others rely on.

Each feature that stores personal data adds a section to `export_account` and a step to
`erase_account`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from .audit.models import AuditEvent
from .audit.services import record_event
from .auth.models import AccessLevel, User
from .awards.privacy import awards_sections, erase_awards
from .certificates.privacy import certificate_sections, erase_certificates
from .clock import local_date
from .database import utcnow
from .exporting import columns, owned, plain
from .extensions import db
from .hours.privacy import erase_hours, hours_sections
from .mail import OutboxEmail, OutboxStatus
from .organisations.models import Invitation, Membership
from .placements.models import Placement, PlacementEvent
from .placements.services import close_for_erasure
from .roles.models import Role
from .shifts.models import BookingStatus, CalendarFeed, Shift, ShiftBooking
from .training.privacy import erase_training, training_sections
from .volunteers.models import Check, ErasedVolunteer

ERASED_NAME = "Erased account"


def export_account(user: User) -> dict[str, Any]:
    """Everything the hub holds about `user`, as JSON-ready data."""
    return {
        "exported_at": utcnow().isoformat(),
        "account": columns(
            user,
            ["id", "name", "email", "access_level", "email_verified_at", "privacy_accepted_at"]
            + ["active", "last_login_at", "created_at", "updated_at"],
        ),
        "volunteer_profile": _profile_section(user),
        "checks": [_check_section(check) for check in owned(Check, Check.volunteer_id, user)],
        "organisations": _organisations_section(user),
        "placements": [_placement_section(placement) for placement in _placements_of(user)],
        "shift_bookings": [_booking_section(booking) for booking in _bookings_of(user)],
        "calendar_feed": _calendar_section(user),
        **training_sections(user),
        **hours_sections(user),
        **certificate_sections(user),
        **awards_sections(user),
        "activity": [
            columns(event, ["created_at", "action", "subject_type", "subject_id", "ip_address"])
            | {"detail": event.detail}
            for event in db.session.scalars(
                select(AuditEvent).where(_events_about(user)).order_by(AuditEvent.id)
            )
        ],
        "emails": [
            columns(mail, ["created_at", "to_address", "subject", "body_text", "status"])
            | {"sent_at": plain(mail.sent_at)}
            for mail in owned(OutboxEmail, OutboxEmail.recipient_id, user)
        ],
    }


def _profile_section(user: User) -> dict[str, Any] | None:
    profile = user.profile
    if profile is None:
        return None
    section = columns(
        profile,
        ["phone", "postcode", "date_of_birth", "employer", "emergency_contact_name"]
        + ["emergency_contact_phone", "emergency_contact_relationship", "contact_by_email"]
        + ["contact_by_sms", "marketing_consent_at", "created_at", "updated_at"],
    )
    section["locality"] = profile.locality.name if profile.locality else None
    section["skills"] = [{"name": s.name, "iri": s.iri} for s in profile.skills]
    section["interests"] = [category.name for category in profile.interests]
    section["availability"] = sorted(profile.period_slugs)
    return section


def _check_section(check: Check) -> dict[str, Any]:
    return columns(
        check,
        ["kind", "level", "certificate_number", "issued_on", "update_service"]
        + ["last_status_check_on", "created_at", "updated_at"],
    )


def _organisations_section(user: User) -> dict[str, Any]:
    """The organisations the person belongs to, and invitations sent to their address."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .options(selectinload(Membership.organisation))
        .order_by(Membership.id)
    )
    invitations = db.session.scalars(
        select(Invitation)
        .where(or_(Invitation.email == user.email, Invitation.accepted_by_id == user.id))
        .options(selectinload(Invitation.organisation))
        .order_by(Invitation.id)
    )
    return {
        "memberships": [
            {"organisation": m.organisation.name, "slug": m.organisation.slug}
            | columns(m, ["level", "created_at"])
            for m in memberships
        ],
        "invitations": [
            {"organisation": i.organisation.name}
            | columns(i, ["email", "level", "created_at", "expires_at", "accepted_at"])
            for i in invitations
        ],
    }


def _placements_of(user: User) -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement)
            .where(Placement.volunteer_id == user.id)
            .options(
                selectinload(Placement.role),
                selectinload(Placement.answers),
                selectinload(Placement.events).selectinload(PlacementEvent.actor),
            )
            .order_by(Placement.id)
        )
    )


def _placement_section(placement: Placement) -> dict[str, Any]:
    """An application with its whole timeline, the deciders' reasons included: they are
    written about the person."""
    return columns(
        placement,
        ["id", "status", "headcount", "group_name", "note", "status_changed_at", "created_at"]
        + ["updated_at", "due_on", "days_left", "decided_at", "waitlisted_at", "offer_expires_at"],
    ) | {
        "role": placement.role.title,
        "answers": [
            {"question": answer.question, "answer": answer.answer} for answer in placement.answers
        ],
        "timeline": [
            columns(event, ["created_at", "status", "previous", "message", "reason"])
            | {"by": event.actor.name if event.actor else None}
            for event in placement.events
        ],
    }


def _bookings_of(user: User) -> list[ShiftBooking]:
    return list(
        db.session.scalars(
            select(ShiftBooking)
            .where(ShiftBooking.volunteer_id == user.id)
            .options(
                selectinload(ShiftBooking.shift)
                .selectinload(Shift.role)
                .selectinload(Role.organisation)
            )
            .order_by(ShiftBooking.id)
        )
    )


def _calendar_section(user: User) -> dict[str, Any] | None:
    feed = db.session.get(CalendarFeed, user.id)
    return None if feed is None else columns(feed, ["token", "created_at"])


def _booking_section(booking: ShiftBooking) -> dict[str, Any]:
    return columns(booking, ["id", "status", "created_at", "changed_at"]) | {
        "role": booking.shift.role.title,
        "organisation": booking.shift.role.organisation.name,
        "starts_at": plain(booking.shift.starts_at),
        "ends_at": plain(booking.shift.ends_at),
    }


def _erase_bookings(user: User) -> None:
    """Cancel the person's coming shifts (their places free up) and keep past bookings only
    as anonymous attendance; forget their calendar address."""
    now = utcnow()
    for booking in _bookings_of(user):
        if booking.status == BookingStatus.BOOKED and booking.shift.starts_at > now:
            booking.status = BookingStatus.CANCELLED
            booking.changed_at = now
        booking.volunteer_id = None
    db.session.execute(
        delete(CalendarFeed)
        .where(CalendarFeed.user_id == user.id)
        .execution_options(synchronize_session=False)
    )


def _erase_placements(user: User) -> None:
    """Withdraw the person's open applications (freeing their places), then keep every
    placement only as an anonymous record: no link to the person, none of their words or
    the deciders' words about them."""
    for placement in _placements_of(user):
        close_for_erasure(placement)
        placement.volunteer_id = None
        placement.note = ""
        placement.answers = []
        placement.group_name = "Erased group" if placement.group_name is not None else None
        for event in placement.events:
            event.message = ""
            if event.reason != "account erased":
                event.reason = ""
            if event.actor_id == user.id:
                event.actor_id = None
    db.session.flush()


def _events_about(user: User) -> Any:
    return or_(
        AuditEvent.actor_id == user.id,
        (AuditEvent.subject_type == "User") & (AuditEvent.subject_id == user.id),
    )


class ErasureRefused(Exception):
    """The account cannot be erased now; the message says why."""


def erase_account(user: User, actor: User | None, reason: str = "requested") -> None:
    """Remove what identifies `user`; keep an anonymous shell so shared records stay whole.

    `actor` is whoever asked (the person, or staff); `None` for the retention job.
    """
    if user.is_admin and _admin_count() <= 1:
        raise ErasureRefused(
            "You are the hub's only admin. Make someone else an admin before you delete "
            "this account."
        )
    if user.profile is not None:
        db.session.add(
            ErasedVolunteer(
                signed_up_on=local_date(user.profile.created_at),
                locality_id=user.profile.locality_id,
            )
        )
        db.session.delete(user.profile)
    for check in owned(Check, Check.volunteer_id, user):
        db.session.delete(check)
    _erase_memberships(user, actor)
    _erase_bookings(user)
    _erase_placements(user)
    erase_training(user)
    erase_hours(user)
    erase_certificates(user)
    erase_awards(user)
    _erase_mail(user)
    db.session.execute(
        update(AuditEvent)
        .where(_events_about(user))
        .values(ip_address=None)
        .execution_options(synchronize_session=False)
    )
    _blank_account(user)
    by = actor if actor is not None and actor.id != user.id else None
    record_event("account.erased", actor=by, subject=user, reason=reason)


def _erase_memberships(user: User, actor: User | None) -> None:
    """Take the person out of every organisation (the organisations stay, even one left with
    no manager: staff can invite a new one); forget invitations sent to their address."""
    for membership in owned(Membership, Membership.user_id, user):
        record_event(
            "organisation.member_removed",
            actor=actor,
            subject=membership.organisation,
            user_id=user.id,
            reason="account erased",
        )
        db.session.delete(membership)
    theirs = or_(Invitation.email == user.email, Invitation.accepted_by_id == user.id)
    db.session.execute(
        delete(Invitation)
        .where(theirs, Invitation.accepted_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Invitation)
        .where(theirs)
        .values(email="erased@invalid")
        .execution_options(synchronize_session=False)
    )


def _erase_mail(user: User) -> None:
    """Cancel mail still waiting for the person, and blank every copy sent to them."""
    theirs = or_(OutboxEmail.recipient_id == user.id, OutboxEmail.to_address == user.email)
    db.session.execute(
        update(OutboxEmail)
        .where(theirs, OutboxEmail.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, last_error="Not sent: the account was erased.")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxEmail)
        .where(theirs)
        .values(to_address="erased@invalid", subject="(erased)", body_text="(erased)\n")
        .execution_options(synchronize_session=False)
    )


def _blank_account(user: User) -> None:
    user.name = ERASED_NAME
    user.email = f"erased-{user.id}@invalid"
    user.password_hash = "!"  # noqa: S105 - matches no password
    user.active = False
    user.deleted_at = utcnow()
    user.email_verified_at = None
    user.last_login_at = None
    user.retention_warned_at = None
    user.session_version += 1


def _admin_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.access_level == AccessLevel.ADMIN, User.deleted_at.is_(None))
        )
        or 0
    )
