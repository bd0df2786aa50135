"""Volunteer hours: each entry a volunteer (or their coordinator) logs against a placement,
its verification, the monthly rollups of approved hours, and the milestones reached.

Hours are whole quarter-hours (`quarters`), so every database sums them alike.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import Model
from ..placements.models import Placement
from ..roles.models import Role

QUARTERS_PER_HOUR = 4
MOST_QUARTERS = 24 * QUARTERS_PER_HOUR  # one day


class HoursStatus(enum.StrEnum):
    PENDING = "pending"
    QUERIED = "queried"
    APPROVED = "approved"
    REJECTED = "rejected"


STATUS_LABELS = {
    HoursStatus.PENDING: "Waiting to be verified",
    HoursStatus.QUERIED: "Query: please check",
    HoursStatus.APPROVED: "Verified",
    HoursStatus.REJECTED: "Not accepted",
}

# Every allowed change of an entry's status. Queried entries go back to pending when the
# volunteer corrects them; staff may reverse a decision (back to pending, with a reason); an
# approved entry is rejected only when the register it came from is corrected.
HOURS_TRANSITIONS: dict[HoursStatus, frozenset[HoursStatus]] = {
    HoursStatus.PENDING: frozenset(
        {HoursStatus.APPROVED, HoursStatus.QUERIED, HoursStatus.REJECTED}
    ),
    HoursStatus.QUERIED: frozenset({HoursStatus.PENDING, HoursStatus.REJECTED}),
    HoursStatus.APPROVED: frozenset({HoursStatus.PENDING, HoursStatus.REJECTED}),
    HoursStatus.REJECTED: frozenset({HoursStatus.PENDING}),
}


class HoursEntry(TimestampMixin, Model):
    __tablename__ = "hours_entries"
    __table_args__ = (
        CheckConstraint(f"quarters BETWEEN 1 AND {MOST_QUARTERS}", name="quarters_in_a_day"),
        Index("ix_hours_entries_volunteer_status_day", "volunteer_id", "status", "worked_on"),
        Index("ix_hours_entries_role_status_day", "role_id", "status", "worked_on"),
        # Covers what the impact report reads of a part-month's entries (`reports.hours.facts`).
        Index(
            "ix_hours_entries_status_day_cover",
            "status",
            "worked_on",
            "role_id",
            "volunteer_id",
            "quarters",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when the volunteer deletes their account: it then points at the anonymous shell
    # that erasure leaves, so totals and counts of people stay true.
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))  # the placement's, for filters
    worked_on: Mapped[date]
    quarters: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=HoursStatus.PENDING)
    # What the verifier last told the volunteer: the query, or why the hours were not accepted.
    message: Mapped[str] = mapped_column(Text, default="")
    # Set when the entry came from an attended shift: one entry per booking.
    shift_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_bookings.id", ondelete="SET NULL"), unique=True
    )
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    placement: Mapped[Placement] = relationship()
    role: Mapped[Role] = relationship()
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    events: Mapped[list[HoursEvent]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="(HoursEvent.created_at, HoursEvent.id)",
    )

    @property
    def hours(self) -> float:
        return self.quarters / QUARTERS_PER_HOUR

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[HoursStatus(self.status)]

    @property
    def is_approved(self) -> bool:
        return self.status == HoursStatus.APPROVED


class HoursEvent(Model):
    """One step of an entry's history: logged, changed, decided or reversed, by whom, why."""

    __tablename__ = "hours_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("hours_entries.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))  # logged, changed, approved, queried...
    status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[HoursEntry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class VolunteerMonthHours(Model):
    """Approved quarter-hours per volunteer, role and month: the volunteer's totals."""

    __tablename__ = "hours_volunteer_months"
    __table_args__ = (
        Index("ix_hours_volunteer_months_role_month", "role_id", "month"),
        # A report's months, read without touching the table.
        Index(
            "ix_hours_volunteer_months_month_volunteer",
            "month",
            "volunteer_id",
            "role_id",
            "quarters",
        ),
    )

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month
    quarters: Mapped[int] = mapped_column(default=0)


class RoleMonthHours(Model):
    """Approved quarter-hours per role and month: the organisation's and the hub's totals."""

    __tablename__ = "hours_role_months"
    # Both orders cover the quarters, so totals over a range of months, or per role, are read
    # from an index alone.
    __table_args__ = (
        Index("ix_hours_role_months_month_role_quarters", "month", "role_id", "quarters"),
        Index("ix_hours_role_months_role_month_quarters", "role_id", "month", "quarters"),
    )

    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    quarters: Mapped[int] = mapped_column(default=0)


class Milestone(Model):
    """A number of approved hours a volunteer has reached, recorded once."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("volunteer_id", "hours"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    hours: Mapped[int]
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def hours_words(quarters: int | None) -> str:
    """Quarter-hours in words: 6 is "1.5 hours", 4 is "1 hour", 4937 is "1,234.25 hours"."""
    hours = (quarters or 0) / QUARTERS_PER_HOUR
    number = f"{hours:,.2f}".rstrip("0").rstrip(".")
    return f"{number} {'hour' if hours == 1 else 'hours'}"
