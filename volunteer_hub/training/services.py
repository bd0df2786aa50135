"""Training rules: who manages courses and runs sessions, booking without overbooking, the
waiting list and its offers, and registers that create training records."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..audit.services import record_event
from ..auth.models import User
from ..certificates.services import NOT_ATTENDED, issue_for_training, revoke_for_record
from ..clock import to_local
from ..database import utcnow
from ..extensions import db
from ..locks import lock_row
from ..mail import queue_email
from ..organisations.models import Organisation, OrganisationStatus
from ..organisations.services import can_coordinate, organisations_of
from ..reference.settings import setting_int
from ..urls import external_url
from .models import (
    HOLDING,
    BookingStatus,
    Course,
    RecordSource,
    RecordStatus,
    TrainingBooking,
    TrainingRecord,
    TrainingSession,
)
from .records import expiry_date

REGISTER_OPEN_AFTER = timedelta(days=7)
# Bookings a volunteer can still cancel or answer.
OPEN = frozenset({BookingStatus.BOOKED, BookingStatus.WAITLISTED, BookingStatus.OFFERED})


class TrainingRefused(Exception):
    """A booking, decision or change that cannot be made, with the reason in words."""


def can_manage_course(user: User | None, course: Course) -> bool:
    """Staff manage every course; members of an approved organisation manage its own."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    organisation = course.organisation
    return (
        organisation is not None
        and organisation.status == OrganisationStatus.APPROVED
        and can_coordinate(user, organisation)
    )


def is_offered(course: Course) -> bool:
    """Open for booking: not archived, and run by the hub or an approved organisation."""
    organisation = course.organisation
    return not course.archived and (
        organisation is None or organisation.status == OrganisationStatus.APPROVED
    )


def lock_session(session: TrainingSession) -> None:
    """Lock the session's row, then read it again: whatever was decided about it meanwhile
    (cancelled, a place taken or given up) is seen before anything is checked."""
    lock_row(TrainingSession, session.id)
    db.session.refresh(session)


def _lock_booking(booking: TrainingBooking) -> None:
    """Lock the booking's session, then read the booking again: accepting, cancelling and
    the expiry of an offer are taken one after the other."""
    lock_session(booking.session)
    db.session.refresh(booking)


def providers_for(user: User) -> list[Organisation]:
    """The organisations `user` may add courses for (staff may also add the hub's own)."""
    if user.is_staff:
        return list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.status == OrganisationStatus.APPROVED)
                .order_by(Organisation.name)
            )
        )
    return [
        organisation
        for organisation in organisations_of(user)
        if organisation.status == OrganisationStatus.APPROVED
    ]


def can_take_register(user: User | None, session: TrainingSession) -> bool:
    """The people running the session, and whoever manages its course."""
    if user is None or not user.is_authenticated:
        return False
    if any(runner.id == user.id for runner in session.runners):
        return True
    return can_manage_course(user, session.course)


def places_held(session_ids: list[int]) -> dict[int, int]:
    """Places held on each session (booked, offered or taken), in one statement."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(TrainingBooking.session_id, func.count())
        .where(TrainingBooking.session_id.in_(session_ids), TrainingBooking.status.in_(HOLDING))
        .group_by(TrainingBooking.session_id)
    )
    return {session_id: int(count) for session_id, count in rows}


def live_booking(session: TrainingSession, volunteer: User) -> TrainingBooking | None:
    return db.session.scalar(
        select(TrainingBooking).where(
            TrainingBooking.session_id == session.id,
            TrainingBooking.volunteer_id == volunteer.id,
            TrainingBooking.status != BookingStatus.CANCELLED,
        )
    )


def book(session: TrainingSession, volunteer: User) -> TrainingBooking:
    """A place if one is free, else a place on the waiting list. The session's row is locked
    before places are counted, so simultaneous requests for the last place give one booking."""
    lock_session(session)
    if session.starts_at <= utcnow():
        raise TrainingRefused("This session has already started.")
    if session.cancelled_at is not None:
        raise TrainingRefused("This session has been cancelled.")
    if not is_offered(session.course):
        raise TrainingRefused("This course is no longer offered.")
    if live_booking(session, volunteer) is not None:
        raise TrainingRefused("You are already booked on this session or on its waiting list.")
    booking = TrainingBooking(session=session, volunteer=volunteer)
    if places_held([session.id]).get(session.id, 0) >= session.places:
        booking.status = BookingStatus.WAITLISTED
        booking.waitlisted_at = utcnow()
    db.session.add(booking)
    db.session.flush()
    record_event(
        f"training.{booking.status}", actor=volunteer, subject=session.course, booking_id=booking.id
    )
    queue_email(
        volunteer.email,
        "training_booked",
        recipient_id=volunteer.id,
        name=volunteer.name,
        waitlisted=booking.status == BookingStatus.WAITLISTED,
        **session_details(session),
    )
    return booking


def cancel(booking: TrainingBooking, volunteer: User) -> None:
    """Give up a place, a waiting-list place or an offer, before the session starts; a freed
    place is offered to the next person waiting."""
    _lock_booking(booking)
    if booking.status not in OPEN:
        raise TrainingRefused("This booking is not open.")
    if booking.session.starts_at <= utcnow():
        raise TrainingRefused("This session has started: it can no longer be cancelled.")
    held = booking.status in HOLDING
    _set_status(booking, BookingStatus.CANCELLED)
    record_event(
        "training.cancelled", actor=volunteer, subject=booking.session.course, booking_id=booking.id
    )
    if held:
        offer_free_places(booking.session)


def waiting_list(session: TrainingSession) -> list[TrainingBooking]:
    return list(
        db.session.scalars(
            select(TrainingBooking)
            .where(
                TrainingBooking.session_id == session.id,
                TrainingBooking.status == BookingStatus.WAITLISTED,
            )
            .order_by(TrainingBooking.waitlisted_at, TrainingBooking.id)
        )
    )


def waitlist_position(booking: TrainingBooking) -> int:
    """1 for the first person waiting."""
    ahead = db.session.scalar(
        select(func.count())
        .select_from(TrainingBooking)
        .where(
            TrainingBooking.session_id == booking.session_id,
            TrainingBooking.status == BookingStatus.WAITLISTED,
            TrainingBooking.waitlisted_at < booking.waitlisted_at,
        )
    )
    return int(ahead or 0) + 1


def offer_free_places(session: TrainingSession) -> list[TrainingBooking]:
    """Offer the session's free places to the people waiting, in order. Each offer lasts the
    hub's offer time, but never past the session's start."""
    now = utcnow()
    lock_session(session)
    if session.starts_at <= now or session.cancelled_at is not None:
        return []
    free = session.places - places_held([session.id]).get(session.id, 0)
    lasts = timedelta(hours=setting_int("offer_hours"))
    offered = waiting_list(session)[: max(free, 0)]
    for booking in offered:
        _set_status(booking, BookingStatus.OFFERED)
        booking.offer_expires_at = min(now + lasts, session.starts_at)
        record_event("training.offered", actor=None, subject=session.course, booking_id=booking.id)
        _tell_offer(booking)
    return offered


def session_details(session: TrainingSession) -> dict[str, Any]:
    """What every email about a session says of it: the course, when, where, its page."""
    return {
        "course": session.course.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "venue": session.venue,
        "online_link": session.online_link,
        "url": external_url("training.session", session_id=session.id),
    }


def _tell_offer(booking: TrainingBooking) -> None:
    volunteer = booking.volunteer
    if volunteer is None or not volunteer.is_active:
        return
    queue_email(
        volunteer.email,
        "training_offer",
        recipient_id=volunteer.id,
        name=volunteer.name,
        course=booking.session.course.title,
        starts_at=booking.session.starts_at,
        expires_at=booking.offer_expires_at,
        url=external_url("training.session", session_id=booking.session_id),
    )


def offer_is_open(booking: TrainingBooking) -> bool:
    expires = booking.offer_expires_at
    return booking.status == BookingStatus.OFFERED and (expires is None or expires > utcnow())


def accept_offer(booking: TrainingBooking, volunteer: User) -> None:
    _lock_booking(booking)
    if not offer_is_open(booking):
        raise TrainingRefused("This offer has run out: the place has passed to the next person.")
    _set_status(booking, BookingStatus.BOOKED)
    record_event(
        "training.offer_accepted",
        actor=volunteer,
        subject=booking.session.course,
        booking_id=booking.id,
    )


def expire_offers() -> int:
    """Withdraw offers whose time is up; each freed place goes to the next in line."""
    expired = db.session.scalars(
        select(TrainingBooking)
        .where(
            TrainingBooking.status == BookingStatus.OFFERED,
            TrainingBooking.offer_expires_at <= utcnow(),
        )
        .options(joinedload(TrainingBooking.session))
        .order_by(TrainingBooking.offer_expires_at, TrainingBooking.id)
    ).all()
    for booking in expired:
        _lock_booking(booking)
        if booking.status != BookingStatus.OFFERED or offer_is_open(booking):
            continue  # taken up or given up just before the lock
        _set_status(booking, BookingStatus.CANCELLED)
        record_event(
            "training.offer_expired",
            actor=None,
            subject=booking.session.course,
            booking_id=booking.id,
        )
    for session in {booking.session_id: booking.session for booking in expired}.values():
        offer_free_places(session)
    return len(expired)


def mark_attendance(booking: TrainingBooking, status: BookingStatus, actor: User) -> None:
    """Attended creates the volunteer's training record (completed on the session's day,
    expiring with the course's validity); correcting it to did-not-come removes that record."""
    if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise TrainingRefused("Choose attended or did not come.")
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise TrainingRefused("Only people with a place can be marked on the register.")
    if booking.session.starts_at > utcnow():
        raise TrainingRefused("The register opens when the session starts.")
    if utcnow() > register_closes(booking.session):
        raise TrainingRefused(
            "This register closed a week after the session. Hub staff can correct a training "
            "record from the volunteer's page."
        )
    _set_status(booking, status)
    record = db.session.scalar(
        select(TrainingRecord).where(TrainingRecord.booking_id == booking.id)
    )
    if status == BookingStatus.ATTENDED and record is None and booking.volunteer_id:
        course = booking.session.course
        completed_on = to_local(booking.session.starts_at).date()
        record = TrainingRecord(
            volunteer_id=booking.volunteer_id,
            course=course,
            completed_on=completed_on,
            expires_on=expiry_date(course, completed_on),
            source=RecordSource.ATTENDED,
            status=RecordStatus.VERIFIED,
            booking_id=booking.id,
            recorded_by=actor,
            decided_by=actor,
            decided_at=utcnow(),
        )
        db.session.add(record)
        issue_for_training(record)
    elif status == BookingStatus.NO_SHOW and record is not None:
        revoke_for_record(record, NOT_ATTENDED, actor)
        db.session.delete(record)
    record_event(
        f"training.{status}", actor=actor, subject=booking.session.course, booking_id=booking.id
    )


def register_closes(session: TrainingSession) -> datetime:
    """Registers stay open for corrections until a week after the session ends."""
    return session.ends_at + REGISTER_OPEN_AFTER


def _set_status(booking: TrainingBooking, status: BookingStatus) -> None:
    booking.status = status
    booking.changed_at = utcnow()
    if status != BookingStatus.OFFERED:
        booking.offer_expires_at = None


def cancel_session(session: TrainingSession, actor: User, reason: str) -> int:
    """Call a session off before it starts: every place, waiting-list place and offer is
    cancelled, and each person is emailed the reason. Returns how many were told."""
    if not reason.strip():
        raise TrainingRefused("Say why the session is cancelled: the people booked see it.")
    lock_session(session)
    if session.cancelled_at is not None:
        raise TrainingRefused("This session is already cancelled.")
    if session.starts_at <= utcnow():
        raise TrainingRefused("This session has started: it can no longer be cancelled.")
    session.cancelled_at = utcnow()
    session.cancel_reason = reason.strip()
    affected = db.session.scalars(
        select(TrainingBooking)
        .where(TrainingBooking.session_id == session.id, TrainingBooking.status.in_(OPEN))
        .options(joinedload(TrainingBooking.volunteer))
    ).all()
    for booking in affected:
        _set_status(booking, BookingStatus.CANCELLED)
        volunteer = booking.volunteer
        if volunteer is not None and volunteer.is_active:
            queue_email(
                volunteer.email,
                "training_cancelled",
                recipient_id=volunteer.id,
                name=volunteer.name,
                course=session.course.title,
                starts_at=session.starts_at,
                reason=session.cancel_reason,
                url=external_url("courses.course", course_id=session.course_id),
            )
    record_event(
        "training.session_cancelled",
        actor=actor,
        subject=session.course,
        session_id=session.id,
        bookings=len(affected),
    )
    return len(affected)


def register_of(session: TrainingSession) -> list[TrainingBooking]:
    """Everyone with a place (booked, attended or not), by name; the waiting list apart."""
    return list(
        db.session.scalars(
            select(TrainingBooking)
            .where(
                TrainingBooking.session_id == session.id,
                TrainingBooking.status.in_(
                    (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
                ),
            )
            .join(User, User.id == TrainingBooking.volunteer_id, isouter=True)
            .options(contains_eager(TrainingBooking.volunteer))
            .order_by(User.name, TrainingBooking.id)
        )
    )
