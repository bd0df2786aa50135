"""Scheduled job of the shifts feature: a reminder a day before each booked shift."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..placements.models import Placement, PlacementStatus
from ..reminders import claim_reminder
from ..roles.models import Role
from ..urls import external_url
from .models import BookingStatus, Shift, ShiftBooking

REMINDER = "shift-reminder"
AHEAD = timedelta(hours=24)


def remind_shifts() -> str:
    """Email each volunteer booked on a shift starting within the next 24 hours, once per
    booking (a cancelled booking is not reminded), however often or wherever this runs."""
    now = utcnow()
    bookings = db.session.scalars(
        select(ShiftBooking)
        .join(Shift, Shift.id == ShiftBooking.shift_id)
        .join(Placement, Placement.id == ShiftBooking.placement_id)
        .where(
            ShiftBooking.status == BookingStatus.BOOKED,
            Placement.status.in_((PlacementStatus.APPROVED, PlacementStatus.ACTIVE)),
            Shift.starts_at > now,
            Shift.starts_at <= now + AHEAD,
        )
        .options(
            contains_eager(ShiftBooking.shift).joinedload(Shift.role).joinedload(Role.organisation),
            joinedload(ShiftBooking.volunteer),
        )
        .order_by(Shift.starts_at, ShiftBooking.id)
    ).all()
    sent = 0
    for booking in bookings:
        volunteer, shift = booking.volunteer, booking.shift
        if volunteer is None or not volunteer.is_active:
            continue
        if not claim_reminder(REMINDER, booking.id, shift.starts_at.isoformat()):
            continue
        queue_email(
            volunteer.email,
            "shift_reminder",
            recipient_id=volunteer.id,
            name=volunteer.name,
            role=shift.role.title,
            organisation=shift.role.organisation.name,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            address=shift.role.address,
            url=external_url("placements.mine", placement_id=booking.placement_id),
        )
        sent += 1
    db.session.commit()
    return f"reminded {sent}"
