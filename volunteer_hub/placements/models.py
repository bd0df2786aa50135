"""A placement is one application to a role, by a volunteer or by a group lead for a group,
followed from the application to the end of the volunteering."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import Model
from ..roles.models import Role


class PlacementStatus(enum.StrEnum):
    APPLIED = "applied"
    INFORMATION_REQUESTED = "information-requested"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ACTIVE = "active"
    ENDED = "ended"


STATUS_LABELS = {
    PlacementStatus.APPLIED: "Applied",
    PlacementStatus.INFORMATION_REQUESTED: "More information requested",
    PlacementStatus.APPROVED: "Approved",
    PlacementStatus.WAITLISTED: "On the waiting list",
    PlacementStatus.OFFERED: "Offered a place",
    PlacementStatus.DECLINED: "Not offered a place",
    PlacementStatus.WITHDRAWN: "Withdrawn",
    PlacementStatus.ACTIVE: "Volunteering",
    PlacementStatus.ENDED: "Ended",
}

# Every allowed change of a placement's status; anything else is refused.
PLACEMENT_TRANSITIONS: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    PlacementStatus.APPLIED: frozenset(
        {
            PlacementStatus.APPROVED,
            PlacementStatus.DECLINED,
            PlacementStatus.WAITLISTED,
            PlacementStatus.INFORMATION_REQUESTED,
            PlacementStatus.WITHDRAWN,
        }
    ),
    # Answered in the app (applied again), or decided on what the volunteer said elsewhere.
    PlacementStatus.INFORMATION_REQUESTED: frozenset(
        {
            PlacementStatus.APPLIED,
            PlacementStatus.APPROVED,
            PlacementStatus.WAITLISTED,
            PlacementStatus.DECLINED,
            PlacementStatus.WITHDRAWN,
        }
    ),
    PlacementStatus.WAITLISTED: frozenset(
        {
            PlacementStatus.OFFERED,
            PlacementStatus.APPROVED,
            PlacementStatus.DECLINED,
            PlacementStatus.WITHDRAWN,
        }
    ),
    # An offer is taken up (approved), or refused or left to run out (withdrawn).
    PlacementStatus.OFFERED: frozenset({PlacementStatus.APPROVED, PlacementStatus.WITHDRAWN}),
    PlacementStatus.APPROVED: frozenset({PlacementStatus.ACTIVE, PlacementStatus.WITHDRAWN}),
    PlacementStatus.ACTIVE: frozenset({PlacementStatus.ENDED}),
    PlacementStatus.DECLINED: frozenset(),
    PlacementStatus.WITHDRAWN: frozenset(),
    PlacementStatus.ENDED: frozenset(),
}

# Placements that hold places on the role, counted by headcount: an offer keeps its place
# until it is taken up, refused or runs out.
HOLDING_PLACES = frozenset(
    {PlacementStatus.APPROVED, PlacementStatus.ACTIVE, PlacementStatus.OFFERED}
)
# Placements still going: the volunteer may not apply to the same role again meanwhile.
OPEN = frozenset(status for status, moves in PLACEMENT_TRANSITIONS.items() if moves)
_OPEN_SQL = text("status IN (" + ", ".join(f"'{status}'" for status in sorted(OPEN)) + ")")

# Reasons the hub records as codes (a decider's own reasons are free text): how a placement
# ended, and why one was withdrawn without a person choosing to.
END_REASONS = {
    "completed": "Completed the role",
    "moved-on": "Moved on",
    "other": "Other",
    "account erased": "The volunteer deleted their account",
}
CODED_REASONS = END_REASONS | {
    "offer expired": "The offer of a place ran out",
    "offer refused": "The offer of a place was turned down",
}


class Placement(TimestampMixin, Model):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("headcount >= 1", name="headcount_positive"),
        Index("ix_placements_role_status", "role_id", "status"),
        Index("ix_placements_volunteer_status", "volunteer_id", "status"),
        Index("ix_placements_status_due_on", "status", "due_on"),
        Index("ix_placements_role_waitlist", "role_id", "status", "waitlisted_at", "id"),
        Index("ix_placements_status_offer_expires_at", "status", "offer_expires_at"),
        Index("ix_placements_created_at_role", "created_at", "role_id"),
        # One open application per volunteer and role, even when a form is sent twice at once.
        Index(
            "uq_placements_open_application",
            "role_id",
            "volunteer_id",
            unique=True,
            postgresql_where=_OPEN_SQL,
            sqlite_where=_OPEN_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    # None once the volunteer has deleted their account: the placement stays, anonymous,
    # so the role's history and the hub's figures still add up.
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    headcount: Mapped[int] = mapped_column(default=1)
    group_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default=PlacementStatus.APPLIED)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The response clock: the last working day to decide while the application waits on the
    # deciders; `days_left` holds what remained while it waits on the volunteer's answer.
    due_on: Mapped[date | None]
    days_left: Mapped[int | None]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The waiting list is first come, first served, by the time each joined it.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role: Mapped[Role] = relationship()
    volunteer: Mapped[User | None] = relationship()
    answers: Mapped[list[PlacementAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="PlacementAnswer.position"
    )
    events: Mapped[list[PlacementEvent]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="(PlacementEvent.created_at, PlacementEvent.id)",
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[PlacementStatus(self.status)]

    @property
    def latest_request(self) -> str:
        """What the deciders last asked the volunteer."""
        asked = [e for e in self.events if e.status == PlacementStatus.INFORMATION_REQUESTED]
        return asked[-1].message if asked else ""

    @property
    def is_group(self) -> bool:
        return self.group_name is not None

    @property
    def is_open(self) -> bool:
        return PlacementStatus(self.status) in OPEN


class PlacementEvent(Model):
    """One step of a placement's timeline: the status it moved to, who moved it, when and why.

    `message` is what the volunteer was told (or, for an answer, what they said); `reason` is
    the decider's own record, shown to deciders and staff only."""

    __tablename__ = "placement_events"
    # Both cover the placement, so the impact report's timelines ("ever approved", "first
    # decided") and "started in the period" are read from an index alone.
    __table_args__ = (
        Index("ix_placement_events_placement_status", "placement_id", "status", "created_at"),
        Index(
            "ix_placement_events_status_created_placement", "status", "created_at", "placement_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24))
    previous: Mapped[str | None] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[PlacementStatus(self.status)]

    @property
    def step_label(self) -> str:
        """The step in words: an application back with the deciders was answered."""
        answered = (self.status, self.previous) == (
            PlacementStatus.APPLIED,
            PlacementStatus.INFORMATION_REQUESTED,
        )
        return "Answered the question" if answered else self.status_label

    @property
    def reason_words(self) -> str:
        """The reason, in words: the hub's own reasons are stored as codes."""
        return CODED_REASONS.get(self.reason, self.reason)

    @property
    def public_reason(self) -> str:
        """The reason the volunteer is shown: the hub's coded ones, never a decider's notes."""
        return CODED_REASONS.get(self.reason, "")


MAX_QUESTIONS = 5


class RoleQuestion(Model):
    """One of up to five questions a role's organisation asks every applicant."""

    __tablename__ = "role_questions"
    __table_args__ = (UniqueConstraint("role_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))


class PlacementAnswer(Model):
    """An applicant's answer, with the question as it was asked (questions may change)."""

    __tablename__ = "placement_answers"
    __table_args__ = (UniqueConstraint("placement_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    position: Mapped[int]
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
