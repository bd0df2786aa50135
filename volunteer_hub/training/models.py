"""Courses, their dated sessions, bookings of places on them, and each volunteer's training
records (from a register, recorded by staff, or submitted with evidence)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, TimestampMixin, UTCDateTime, utcnow
from ..extensions import Model
from ..files import StoredFile
from ..organisations.models import Organisation
from ..reference.models import Category, Locality


class Delivery(enum.StrEnum):
    IN_PERSON = "in-person"
    ONLINE = "online"
    E_LEARNING = "e-learning"


DELIVERY_LABELS = {
    Delivery.IN_PERSON: "In person",
    Delivery.ONLINE: "Online, live",
    Delivery.E_LEARNING: "E-learning, at your own pace",
}

course_categories = Table(
    "course_categories",
    Base.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)

session_runners = Table(
    "session_runners",
    Base.metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_session_runners_user_id_session_id", "user_id", "session_id"),
)


class Course(TimestampMixin, Model):
    """A course the hub or an organisation (`organisation` None: the hub) provides."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    delivery: Mapped[str] = mapped_column(String(12), default=Delivery.IN_PERSON)
    duration_minutes: Mapped[int]
    validity_months: Mapped[int | None]  # None: never expires
    archived: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation | None] = relationship()
    categories: Mapped[list[Category]] = relationship(
        secondary=course_categories, order_by=Category.name
    )

    @property
    def provider(self) -> str:
        return self.organisation.name if self.organisation else "The volunteer hub"

    @property
    def delivery_label(self) -> str:
        return DELIVERY_LABELS[Delivery(self.delivery)]

    @property
    def validity_words(self) -> str:
        """How long a completion counts: "3 years", "18 months", "Does not expire"."""
        if self.validity_months is None:
            return "Does not expire"
        years, months = divmod(self.validity_months, 12)
        if months == 0:
            return f"{years} {'year' if years == 1 else 'years'}"
        return f"{self.validity_months} months"

    def __str__(self) -> str:
        return self.title


class TrainingSession(Model):
    """One dated run of a course: in a venue, or online through a link only booked people see."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_training_sessions_course_starts_at", "course_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(Text, default="")
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    online_link: Mapped[str] = mapped_column(String(500), default="")
    places: Mapped[int]
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    locality: Mapped[Locality | None] = relationship()
    runners: Mapped[list[User]] = relationship(secondary=session_runners, order_by=User.name)


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    ATTENDED = "attended"
    NO_SHOW = "no-show"
    CANCELLED = "cancelled"


BOOKING_LABELS = {
    BookingStatus.BOOKED: "Booked",
    BookingStatus.WAITLISTED: "On the waiting list",
    BookingStatus.OFFERED: "Offered a place",
    BookingStatus.ATTENDED: "Attended",
    BookingStatus.NO_SHOW: "Did not come",
    BookingStatus.CANCELLED: "Cancelled",
}
# Bookings that hold one of the session's places (an offer holds its place until it lapses).
HOLDING = frozenset(
    {BookingStatus.BOOKED, BookingStatus.OFFERED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW}
)


class TrainingBooking(Model):
    __tablename__ = "training_bookings"
    __table_args__ = (
        Index("ix_training_bookings_session_status", "session_id", "status"),
        Index("ix_training_bookings_volunteer_status", "volunteer_id", "status"),
        Index("ix_training_bookings_status_offer_expires_at", "status", "offer_expires_at"),
        # One live booking per person and session, even when the button is pressed twice.
        Index(
            "uq_training_bookings_live",
            "session_id",
            "volunteer_id",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=BookingStatus.BOOKED)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship()
    volunteer: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return BOOKING_LABELS[BookingStatus(self.status)]


class RecordSource(enum.StrEnum):
    ATTENDED = "attended"  # from a session's register
    RECORDED = "recorded"  # staff recorded training done elsewhere
    SUBMITTED = "submitted"  # the volunteer submitted it with evidence


class RecordStatus(enum.StrEnum):
    VERIFIED = "verified"
    PENDING = "pending"
    REJECTED = "rejected"


RECORD_STATUS_LABELS = {
    RecordStatus.VERIFIED: "Verified",
    RecordStatus.PENDING: "Waiting for the hub to check",
    RecordStatus.REJECTED: "Not accepted",
}


class TrainingRecord(Model):
    """A course completed. Only verified records count; one with `expires_on` on or before
    today no longer does. `volunteer_id` is emptied when the account is erased, so the hub's
    training figures stay true."""

    __tablename__ = "training_records"
    __table_args__ = (
        Index("ix_training_records_volunteer_course", "volunteer_id", "course_id", "expires_on"),
        Index("ix_training_records_status_expires_on", "status", "expires_on"),
        Index("ix_training_records_status_created_at", "status", "created_at"),
        Index("ix_training_records_status_completed_on", "status", "completed_on", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    completed_on: Mapped[date]
    expires_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default=RecordStatus.VERIFIED)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_bookings.id", ondelete="SET NULL"), unique=True
    )
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[User | None] = relationship(foreign_keys=[volunteer_id])
    course: Mapped[Course] = relationship()
    evidence: Mapped[StoredFile | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return RECORD_STATUS_LABELS[RecordStatus(self.status)]

    def counts_on(self, day: date) -> bool:
        """Whether the record shows the course done and in date on `day`."""
        return self.status == RecordStatus.VERIFIED and (
            self.expires_on is None or self.expires_on > day
        )
