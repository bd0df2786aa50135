"""The awards: a cycle a year with its categories, the public's nominations (each with its
history), the judges assigned to categories, their conflicts of interest and their scores."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import Model


class Eligibility(enum.StrEnum):
    INDIVIDUAL = "individual"
    YOUNG = "young"
    GROUP = "group"
    ORGANISATION = "organisation"
    CORPORATE = "corporate"


ELIGIBILITY_LABELS = {
    Eligibility.INDIVIDUAL: "An individual volunteer",
    Eligibility.YOUNG: "A young volunteer (under 25)",
    Eligibility.GROUP: "A group or team",
    Eligibility.ORGANISATION: "An organisation",
    Eligibility.CORPORATE: "A corporate volunteering team",
}


class NominationStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"
    SUBMITTED = "submitted"
    MERGED = "merged"
    INELIGIBLE = "ineligible"
    SHORTLISTED = "shortlisted"
    NOT_PROGRESSED = "not progressed"


STATUS_LABELS = {
    NominationStatus.UNCONFIRMED: "Waiting for the nominator to confirm",
    NominationStatus.SUBMITTED: "Waiting for review",
    NominationStatus.MERGED: "Merged into another nomination",
    NominationStatus.INELIGIBLE: "Not eligible",
    NominationStatus.SHORTLISTED: "Shortlisted",
    NominationStatus.NOT_PROGRESSED: "Not progressed",
}

# Every allowed change of a nomination's status; anything else is refused. A nomination the
# staff set aside (ineligible, not progressed) may be reopened; a merged one stays merged.
NOMINATION_TRANSITIONS: dict[NominationStatus, frozenset[NominationStatus]] = {
    NominationStatus.UNCONFIRMED: frozenset({NominationStatus.SUBMITTED}),
    NominationStatus.SUBMITTED: frozenset(
        {
            NominationStatus.MERGED,
            NominationStatus.INELIGIBLE,
            NominationStatus.SHORTLISTED,
            NominationStatus.NOT_PROGRESSED,
        }
    ),
    NominationStatus.SHORTLISTED: frozenset(
        {NominationStatus.SUBMITTED, NominationStatus.NOT_PROGRESSED, NominationStatus.INELIGIBLE}
    ),
    NominationStatus.INELIGIBLE: frozenset({NominationStatus.SUBMITTED}),
    NominationStatus.NOT_PROGRESSED: frozenset({NominationStatus.SUBMITTED}),
    NominationStatus.MERGED: frozenset(),
}


class Outcome(enum.StrEnum):
    WINNER = "winner"
    HIGHLY_COMMENDED = "highly commended"
    SHORTLISTED = "shortlisted"


OUTCOME_LABELS = {
    Outcome.WINNER: "Winner",
    Outcome.HIGHLY_COMMENDED: "Highly commended",
    Outcome.SHORTLISTED: "Shortlisted",
}
OUTCOME_ORDER = {Outcome.WINNER: 0, Outcome.HIGHLY_COMMENDED: 1, Outcome.SHORTLISTED: 2}

LOWEST_SCORE, HIGHEST_SCORE = 1, 5


class AwardCycle(TimestampMixin, Model):
    __tablename__ = "award_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    nominations_open_at: Mapped[datetime] = mapped_column(UTCDateTime)
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    judging_deadline: Mapped[date]
    ceremony_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(String(300))
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    categories: Mapped[list[AwardCategory]] = relationship(
        back_populates="cycle", order_by="(AwardCategory.position, AwardCategory.id)"
    )

    def is_open(self, now: datetime) -> bool:
        return self.nominations_open_at <= now < self.nominations_close_at

    @property
    def published(self) -> bool:
        return self.results_published_at is not None


class AwardCategory(TimestampMixin, Model):
    __tablename__ = "award_categories"
    __table_args__ = (
        UniqueConstraint("cycle_id", "name"),
        CheckConstraint("minimum_hours IS NULL OR minimum_hours >= 0", name="minimum_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("award_cycles.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    eligibility: Mapped[str] = mapped_column(String(20), default=Eligibility.INDIVIDUAL)
    # Young volunteers are under 25 on this day.
    age_on: Mapped[date | None]
    minimum_hours: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cycle: Mapped[AwardCycle] = relationship(back_populates="categories")

    @property
    def eligibility_label(self) -> str:
        return ELIGIBILITY_LABELS[Eligibility(self.eligibility)]

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class Nomination(TimestampMixin, Model):
    """One nomination from the public. Contacts are kept for staff; judges see the nominee,
    the statements and the supporting text only."""

    __tablename__ = "nominations"
    __table_args__ = (
        Index("ix_nominations_category_status", "category_id", "status", "created_at"),
        Index("ix_nominations_status_category", "status", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("award_categories.id"))
    status: Mapped[str] = mapped_column(String(20), default=NominationStatus.UNCONFIRMED)
    outcome: Mapped[str | None] = mapped_column(String(20))
    nominee_name: Mapped[str] = mapped_column(String(200))
    nominee_organisation: Mapped[str] = mapped_column(String(200), default="")
    nominee_contact: Mapped[str] = mapped_column(String(254), default="")
    nominee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    nominator_name: Mapped[str] = mapped_column(String(200))
    nominator_email: Mapped[str] = mapped_column(String(254), index=True)
    nominator_relationship: Mapped[str] = mapped_column(String(200), default="")
    statement: Mapped[str] = mapped_column(Text)
    supporting: Mapped[str] = mapped_column(Text, default="")
    # What the ceremony's host reads out (at most 50 words): drawn from the statements when
    # the category is locked, editable by staff (`awards.ceremony`).
    citation: Mapped[str] = mapped_column(Text, default="", server_default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("nominations.id", ondelete="SET NULL"), index=True
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category: Mapped[AwardCategory] = relationship()
    nominee_user: Mapped[User | None] = relationship()
    events: Mapped[list[NominationEvent]] = relationship(
        back_populates="nomination",
        cascade="all, delete-orphan",
        order_by="(NominationEvent.created_at, NominationEvent.id)",
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[NominationStatus(self.status)]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)] if self.outcome else ""


class NominationEvent(Model):
    """One step of a nomination's history: who did what, when and why."""

    __tablename__ = "nomination_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class JudgeAssignment(Model):
    __tablename__ = "judge_assignments"
    __table_args__ = (UniqueConstraint("category_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("award_categories.id"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[AwardCategory] = relationship()
    judge: Mapped[User] = relationship(foreign_keys=[judge_id])


class ConflictDeclaration(Model):
    """A judge's conflict of interest: they no longer see or score the nomination."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("judge_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(TimestampMixin, Model):
    """One judge's marks for one nomination: 1 to 5 for each of the category's criteria, in
    order, with their total kept beside them for the staff's sums."""

    __tablename__ = "award_scores"
    __table_args__ = (
        UniqueConstraint("judge_id", "nomination_id"),
        CheckConstraint("total >= 0", name="total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    marks: Mapped[list[int]] = mapped_column(JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(Text, default="")

    def mark_for(self, index: int) -> Any:
        return self.marks[index] if index < len(self.marks) else None
