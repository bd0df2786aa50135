"""Organisations, their members (coordinators) and invitations to join them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import Base, TimestampMixin, UTCDateTime, utcnow
from ..extensions import Model
from ..reference.models import Concept, Locality


class OrganisationKind(enum.StrEnum):
    CHARITY = "charity"
    CIO = "cio"
    COMMUNITY_GROUP = "community-group"
    PUBLIC_BODY = "public-body"
    BUSINESS = "business"
    SOCIAL_ENTERPRISE = "social-enterprise"


KIND_LABELS = {
    OrganisationKind.CHARITY: "Registered charity",
    OrganisationKind.CIO: "Charitable incorporated organisation (CIO)",
    OrganisationKind.COMMUNITY_GROUP: "Community group",
    OrganisationKind.PUBLIC_BODY: "Public body",
    OrganisationKind.BUSINESS: "Business",
    OrganisationKind.SOCIAL_ENTERPRISE: "Social enterprise",
}


class OrganisationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    SUSPENDED = "suspended"


# Every allowed change of an organisation's status; anything else is refused.
ORGANISATION_TRANSITIONS: dict[OrganisationStatus, frozenset[OrganisationStatus]] = {
    OrganisationStatus.PENDING: frozenset(
        {OrganisationStatus.APPROVED, OrganisationStatus.DECLINED}
    ),
    OrganisationStatus.DECLINED: frozenset({OrganisationStatus.PENDING}),
    # back to PENDING when its managers change the due diligence the hub checked
    OrganisationStatus.APPROVED: frozenset(
        {OrganisationStatus.SUSPENDED, OrganisationStatus.PENDING}
    ),
    OrganisationStatus.SUSPENDED: frozenset({OrganisationStatus.APPROVED}),
}

organisation_causes = Table(
    "organisation_causes",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "concept_id", ForeignKey("concepts.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Organisation(TimestampMixin, Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    charity_number: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    safeguarding_policy: Mapped[bool] = mapped_column(default=False)
    safeguarding_lead_name: Mapped[str | None] = mapped_column(String(200))
    safeguarding_lead_email: Mapped[str | None] = mapped_column(String(254))
    insurance_held: Mapped[bool] = mapped_column(default=False)
    insurance_expires_on: Mapped[date | None] = mapped_column(index=True)
    # Hours from attended shifts are approved at once instead of waiting to be verified.
    approves_shift_hours: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default=OrganisationStatus.PENDING, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    locality: Mapped[Locality | None] = relationship()
    causes: Mapped[list[Concept]] = relationship(
        secondary=organisation_causes, order_by=Concept.label
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(OrganisationKind(self.kind), self.kind)

    def __str__(self) -> str:
        return self.name


class MembershipLevel(enum.StrEnum):
    MANAGE = "manage"  # edit the organisation, invite and remove members, and coordinate
    COORDINATE = "coordinate"  # advertise roles and look after their volunteers


class Membership(Model):
    """A person's part in an organisation; coordinating comes from here, not the account."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12), default=MembershipLevel.COORDINATE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def can_manage(self) -> bool:
        return self.level == MembershipLevel.MANAGE


class Invitation(Model):
    """An emailed invitation to join an organisation; only a hash of its token is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    level: Mapped[str] = mapped_column(String(12), default=MembershipLevel.COORDINATE)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
