"""Scheduled jobs of training sessions: a reminder 48 hours before, and offers of freed
places that lapse."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..reminders import claim_reminder
from .models import BookingStatus, TrainingBooking, TrainingSession
from .services import expire_offers, session_details

REMINDER = "training-reminder"
AHEAD = timedelta(hours=48)


def remind_sessions() -> str:
    """Email each person with a place on a session starting within 48 hours, once per
    booking, however often or wherever this runs."""
    now = utcnow()
    bookings = db.session.scalars(
        select(TrainingBooking)
        .join(TrainingSession, TrainingSession.id == TrainingBooking.session_id)
        .where(
            TrainingBooking.status == BookingStatus.BOOKED,
            TrainingSession.starts_at > now,
            TrainingSession.starts_at <= now + AHEAD,
        )
        .options(
            contains_eager(TrainingBooking.session).joinedload(TrainingSession.course),
            joinedload(TrainingBooking.volunteer),
        )
        .order_by(TrainingSession.starts_at, TrainingBooking.id)
    ).all()
    sent = 0
    for booking in bookings:
        volunteer, session = booking.volunteer, booking.session
        if volunteer is None or not volunteer.is_active:
            continue
        if not claim_reminder(REMINDER, booking.id, session.starts_at.isoformat()):
            continue
        queue_email(
            volunteer.email,
            "training_reminder",
            recipient_id=volunteer.id,
            name=volunteer.name,
            **session_details(session),
        )
        sent += 1
    db.session.commit()
    return f"reminded {sent}"


def expire_training_offers() -> str:
    expired = expire_offers()
    db.session.commit()
    return f"expired {expired}"
