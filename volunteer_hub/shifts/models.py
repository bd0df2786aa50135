"""A shift is one dated session of a role; approved volunteers book places on it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime, utcnow
from ..extensions import Model
from ..placements.models import Placement
from ..roles.models import Role


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no-show"


BOOKING_LABELS = {
    BookingStatus.BOOKED: "Booked",
    BookingStatus.CANCELLED: "Cancelled",
    BookingStatus.ATTENDED: "Attended",
    BookingStatus.NO_SHOW: "Did not come",
}
# Bookings that hold a place on the shift.
HOLDING = frozenset({BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW})


class Shift(Model):
    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_shifts_role_starts_at", "role_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    places: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    role: Mapped[Role] = relationship()


class ShiftBooking(Model):
    __tablename__ = "shift_bookings"
    __table_args__ = (
        Index("ix_shift_bookings_shift_status", "shift_id", "status"),
        Index("ix_shift_bookings_volunteer_status", "volunteer_id", "status"),
        # One live booking per person and shift, even when the button is pressed twice.
        Index(
            "uq_shift_bookings_live",
            "shift_id",
            "volunteer_id",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=BookingStatus.BOOKED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shift: Mapped[Shift] = relationship()
    placement: Mapped[Placement] = relationship()
    volunteer: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return BOOKING_LABELS[BookingStatus(self.status)]


class CalendarFeed(Model):
    """A person's private calendar address: the secret token is the only key to it, and a
    new one can replace it at any time."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
