"""Planning sessions: adding one to a course, and changing one still to come (never fewer
places than are taken; people with a place are told of a new time or place)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit.services import record_event
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..reference.models import Locality
from .models import BookingStatus, Course, Delivery, TrainingBooking, TrainingSession
from .services import (
    TrainingRefused,
    lock_session,
    offer_free_places,
    places_held,
    session_details,
)


@dataclass(frozen=True)
class SessionPlan:
    """What a new session needs; `runners` are accounts already found by email."""

    starts_at: datetime
    ends_at: datetime
    places: int
    venue: str = ""
    locality: Locality | None = None
    online_link: str = ""
    runners: tuple[User, ...] = ()


def add_session(course: Course, plan: SessionPlan, actor: User) -> TrainingSession:
    _check_plan(course, plan)
    session = TrainingSession(course=course)
    _apply_plan(session, plan)
    db.session.add(session)
    db.session.flush()
    record_event("training.session_added", actor=actor, subject=course, session_id=session.id)
    return session


def change_session(session: TrainingSession, plan: SessionPlan, actor: User) -> int:
    """Change a session that has not started. Never fewer places than are taken; more places
    go down the waiting list; a new time or place is emailed to everyone with a place.
    Returns how many people were told."""
    lock_session(session)
    if session.cancelled_at is not None or session.starts_at <= utcnow():
        raise TrainingRefused("Only a session still to come, and not cancelled, can be changed.")
    _check_plan(session.course, plan)
    taken = places_held([session.id]).get(session.id, 0)
    if plan.places < taken:
        raise TrainingRefused(
            f"{taken} people have places: keep at least {taken} places, or cancel the session."
        )
    before = (session.starts_at, session.ends_at, session.venue, session.online_link)
    _apply_plan(session, plan)
    moved = before != (session.starts_at, session.ends_at, session.venue, session.online_link)
    told = _tell_change(session) if moved else 0
    record_event(
        "training.session_changed",
        actor=actor,
        subject=session.course,
        session_id=session.id,
        told=told,
    )
    offer_free_places(session)
    return told


def _tell_change(session: TrainingSession) -> int:
    holders = db.session.scalars(
        select(TrainingBooking)
        .where(
            TrainingBooking.session_id == session.id,
            TrainingBooking.status.in_((BookingStatus.BOOKED, BookingStatus.OFFERED)),
        )
        .options(joinedload(TrainingBooking.volunteer))
    ).all()
    told = 0
    for booking in holders:
        volunteer = booking.volunteer
        if volunteer is None or not volunteer.is_active:
            continue
        queue_email(
            volunteer.email,
            "training_changed",
            recipient_id=volunteer.id,
            name=volunteer.name,
            **session_details(session),
        )
        told += 1
    return told


def _apply_plan(session: TrainingSession, plan: SessionPlan) -> None:
    session.starts_at, session.ends_at, session.places = plan.starts_at, plan.ends_at, plan.places
    session.venue, session.online_link = plan.venue.strip(), plan.online_link.strip()
    session.locality = plan.locality
    session.runners = list(plan.runners)


def _check_plan(course: Course, plan: SessionPlan) -> None:
    if plan.ends_at <= plan.starts_at:
        raise TrainingRefused("The session must end after it starts.")
    if plan.starts_at <= utcnow():
        raise TrainingRefused("Choose a start time in the future.")
    if plan.starts_at > utcnow() + timedelta(days=2 * 366):
        raise TrainingRefused("Choose a date up to two years ahead.")
    if plan.places < 1:
        raise TrainingRefused("A session needs at least one place.")
    if course.delivery == Delivery.IN_PERSON and not plan.venue.strip():
        raise TrainingRefused("Give the venue of an in-person session.")
    if course.delivery == Delivery.ONLINE and not plan.online_link.strip():
        raise TrainingRefused("Give the joining link of an online session.")
