"""A role is one volunteering opportunity an organisation advertises through the hub."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, TimestampMixin, UTCDateTime
from ..extensions import Model
from ..organisations.models import Organisation
from ..reference.models import Category, Concept, Locality, Skill
from ..training.models import Course


class RoleStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending-review"
    CHANGES_REQUESTED = "changes-requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    CLOSED = "closed"
    ARCHIVED = "archived"


STATUS_LABELS = {
    RoleStatus.DRAFT: "Draft",
    RoleStatus.PENDING_REVIEW: "Waiting for review",
    RoleStatus.CHANGES_REQUESTED: "Changes requested",
    RoleStatus.PUBLISHED: "Published",
    RoleStatus.REJECTED: "Rejected",
    RoleStatus.CLOSED: "Closed",
    RoleStatus.ARCHIVED: "Archived",
}

# Every allowed change of a role's status; anything else is refused.
ROLE_TRANSITIONS: dict[RoleStatus, frozenset[RoleStatus]] = {
    RoleStatus.DRAFT: frozenset({RoleStatus.PENDING_REVIEW}),
    RoleStatus.PENDING_REVIEW: frozenset(
        {RoleStatus.PUBLISHED, RoleStatus.CHANGES_REQUESTED, RoleStatus.REJECTED}
    ),
    RoleStatus.CHANGES_REQUESTED: frozenset({RoleStatus.PENDING_REVIEW}),
    RoleStatus.PUBLISHED: frozenset({RoleStatus.CLOSED, RoleStatus.PENDING_REVIEW}),
    RoleStatus.CLOSED: frozenset({RoleStatus.ARCHIVED, RoleStatus.PENDING_REVIEW}),
    RoleStatus.REJECTED: frozenset(),
    RoleStatus.ARCHIVED: frozenset(),
}


class Commitment(enum.StrEnum):
    ONE_OFF = "one-off"
    REGULAR = "regular"


class Attendance(enum.StrEnum):
    IN_PERSON = "in-person"
    REMOTE = "remote"
    HYBRID = "hybrid"


class Decider(enum.StrEnum):
    ORGANISATION = "organisation"
    HUB = "hub"


def _link_table(name: str, column: str, target: str) -> Table:
    """Roles linked to reference items; the index by item also holds the role, so a search by
    item reads the roles' ids from the index alone."""
    return Table(
        name,
        Base.metadata,
        Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(target, ondelete="CASCADE"), primary_key=True),
        Index(f"ix_{name}_{column}_role_id", column, "role_id"),
    )


role_skills = _link_table("role_skills", "skill_id", "skills.id")
role_concepts = _link_table("role_concepts", "concept_id", "concepts.id")
role_courses = _link_table("role_courses", "course_id", "courses.id")


class Role(TimestampMixin, Model):
    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        # Newest first, stopping after a page; the id breaks ties of roles published at once.
        Index("ix_roles_status_published_at", "status", "published_at", "id"),
        Index("ix_roles_status_apply_by", "status", "apply_by"),
        # Counts the published roles of approved organisations from the index alone.
        Index("ix_roles_status_organisation_id", "status", "organisation_id"),
        # What a search checks of each role it reaches by id (from the keyword or the
        # times-of-the-week index): a narrow copy of the filtered and sorted columns, read
        # instead of the wide row with its description. SQLite has no INCLUDE columns.
        Index(
            "ix_roles_id_search",
            "id",
            "status",
            "organisation_id",
            "published_at",
            "apply_by",
            "category_id",
            "locality_id",
            "commitment",
            "attendance",
            "groups_welcome",
            "dbs_level",
            "minimum_age",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    attendance: Mapped[str] = mapped_column(String(12), default=Attendance.IN_PERSON, index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str | None] = mapped_column(String(8))
    commitment: Mapped[str] = mapped_column(String(10), default=Commitment.REGULAR, index=True)
    commitment_text: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None] = mapped_column(index=True)
    apply_by: Mapped[date | None]
    places: Mapped[int] = mapped_column(default=1)
    minimum_age: Mapped[int | None] = mapped_column(index=True)
    dbs_level: Mapped[str | None] = mapped_column(String(30), index=True)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    groups_welcome: Mapped[bool] = mapped_column(default=False, index=True)
    max_group_size: Mapped[int | None]
    decided_by: Mapped[str] = mapped_column(String(12), default=Decider.ORGANISATION)
    status: Mapped[str] = mapped_column(String(20), default=RoleStatus.DRAFT, index=True)
    status_comment: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_organisation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    category: Mapped[Category] = relationship()
    locality: Mapped[Locality | None] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=role_skills, order_by=Skill.name)
    concepts: Mapped[list[Concept]] = relationship(secondary=role_concepts, order_by=Concept.label)
    required_courses: Mapped[list[Course]] = relationship(
        secondary=role_courses, order_by=Course.title
    )
    periods: Mapped[list[RolePeriod]] = relationship(
        cascade="all, delete-orphan", order_by="RolePeriod.period"
    )
    created_by: Mapped[User | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == RoleStatus.PUBLISHED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[RoleStatus(self.status)]

    @property
    def period_slugs(self) -> set[str]:
        return {row.period for row in self.periods}

    def concepts_in(self, scheme: str) -> list[Concept]:
        return [concept for concept in self.concepts if concept.scheme == scheme]

    def __str__(self) -> str:
        return self.title


class RolePeriod(Model):
    """A weekday period (e.g. `saturday-morning`) when the role happens."""

    __tablename__ = "role_periods"
    # A search by time of the week reads the roles' ids from this index alone.
    __table_args__ = (Index("ix_role_periods_period_role_id", "period", "role_id"),)

    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
