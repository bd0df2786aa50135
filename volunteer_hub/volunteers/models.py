"""A volunteer's profile (contact, locality, skills, interests, availability) and their checks."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, TimestampMixin, UTCDateTime
from ..extensions import Model
from ..reference.models import Category, Locality, Skill

profile_skills = Table(
    "profile_skills",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)

profile_interests = Table(
    "profile_interests",
    Base.metadata,
    Column("profile_id", ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class VolunteerProfile(TimestampMixin, Model):
    __tablename__ = "volunteer_profiles"

    __table_args__ = (
        Index("ix_volunteer_profiles_created_at_locality", "created_at", "locality_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    date_of_birth: Mapped[date | None]
    employer: Mapped[str | None] = mapped_column(String(200))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(32))
    emergency_contact_relationship: Mapped[str | None] = mapped_column(String(80))
    contact_by_email: Mapped[bool] = mapped_column(default=True)
    contact_by_sms: Mapped[bool] = mapped_column(default=False)
    marketing_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="profile")
    locality: Mapped[Locality | None] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=profile_skills, order_by=Skill.name)
    interests: Mapped[list[Category]] = relationship(
        secondary=profile_interests, order_by=Category.name
    )
    availability: Mapped[list[Availability]] = relationship(
        cascade="all, delete-orphan", order_by="Availability.period"
    )

    @property
    def marketing_consent(self) -> bool:
        return self.marketing_consent_at is not None

    @property
    def period_slugs(self) -> set[str]:
        return {slot.period for slot in self.availability}


class ErasedVolunteer(Model):
    """What erasure keeps of a volunteer's sign-up for the hub's figures: the day and the
    locality, with no link to any account (and no time of day to match one by), so the
    new-volunteer counts stay true."""

    __tablename__ = "erased_volunteers"
    __table_args__ = (
        Index("ix_erased_volunteers_signed_up_on_locality", "signed_up_on", "locality_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signed_up_on: Mapped[date]  # the local day
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"))


class Availability(Model):
    """One weekday period (e.g. `monday-morning`) when the volunteer is usually free."""

    __tablename__ = "volunteer_availability"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class CheckKind(enum.StrEnum):
    DBS = "DBS"
    PVG = "PVG"
    ACCESSNI = "AccessNI"


class CheckLevel(enum.StrEnum):
    BASIC = "basic"
    STANDARD = "standard"
    ENHANCED = "enhanced"
    ENHANCED_BARRED_CHILDREN = "enhanced-barred-children"
    ENHANCED_BARRED_ADULTS = "enhanced-barred-adults"
    ENHANCED_BARRED_BOTH = "enhanced-barred-both"


CHECK_LEVEL_LABELS = {
    CheckLevel.BASIC: "Basic",
    CheckLevel.STANDARD: "Standard",
    CheckLevel.ENHANCED: "Enhanced",
    CheckLevel.ENHANCED_BARRED_CHILDREN: "Enhanced with children's barred list",
    CheckLevel.ENHANCED_BARRED_ADULTS: "Enhanced with adults' barred list",
    CheckLevel.ENHANCED_BARRED_BOTH: "Enhanced with both barred lists",
}


class Check(TimestampMixin, Model):
    """A criminal-record check (DBS, PVG or AccessNI): only what is needed, seen by staff only."""

    __tablename__ = "checks"
    __table_args__ = (Index("ix_checks_volunteer_issued", "volunteer_id", "issued_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default=CheckKind.DBS)
    level: Mapped[str] = mapped_column(String(30))
    certificate_number: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date]
    update_service: Mapped[bool] = mapped_column(default=False)
    last_status_check_on: Mapped[date | None]
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])

    @property
    def level_label(self) -> str:
        return CHECK_LEVEL_LABELS.get(CheckLevel(self.level), self.level)
