"""Certificates: one record for every kind the hub issues (an award, a milestone of verified
hours, a training course completed, a service record), each with a random verification code
that anyone can check at `/certificates/<code>`. The PDF is rendered on demand from the
record, so what a certificate says is fixed when it is issued."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime, utcnow
from ..extensions import Model
from ..files import StoredFile

CODE_BYTES = 16  # 128 random bits: a code cannot be guessed, only read off a certificate


def new_code() -> str:
    """An unguessable, URL-safe verification code (22 characters)."""
    return secrets.token_urlsafe(CODE_BYTES)


class CertificateKind(enum.StrEnum):
    AWARD = "award"
    MILESTONE = "milestone"
    TRAINING = "training"
    SERVICE = "service"


KIND_LABELS = {
    CertificateKind.AWARD: "Award",
    CertificateKind.MILESTONE: "Milestone",
    CertificateKind.TRAINING: "Training",
    CertificateKind.SERVICE: "Service record",
}


class Certificate(Model):
    """What a certificate says, whom it is for and how it can be checked. At most one
    certificate is issued for each milestone, training record and award nomination (the
    unique source columns). Revoked certificates are kept, so that their code says so."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_recipient_issued", "recipient_id", "issued_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, default=new_code)
    kind: Mapped[str] = mapped_column(String(12))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    # What a service record says, fixed when it is issued (`certificates.service_record`).
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    issued_on: Mapped[date]
    issuer: Mapped[str] = mapped_column(String(200))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), unique=True
    )
    training_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_records.id", ondelete="SET NULL"), unique=True
    )
    nomination_id: Mapped[int | None] = mapped_column(
        ForeignKey("nominations.id", ondelete="SET NULL"), unique=True
    )
    # An award's certificate is printed for the ceremony but kept from view (its recipient's
    # list, the public check) until the cycle's results are published.
    withheld: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[CertificateKind(self.kind)]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateDesign(Model):
    """How every certificate looks, set by admins: one row (id 1); until it is saved the
    defaults below and the hub's configured name are used."""

    __tablename__ = "certificate_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_name: Mapped[str] = mapped_column(String(200), default="")
    primary_colour: Mapped[str] = mapped_column(String(7), default="#1d4f91")
    accent_colour: Mapped[str] = mapped_column(String(7), default="#9a6b00")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    logo: Mapped[StoredFile | None] = relationship(foreign_keys=[logo_id])
    signature: Mapped[StoredFile | None] = relationship(foreign_keys=[signature_id])
