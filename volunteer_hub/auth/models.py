"""Accounts: a person who can sign in, with their access level."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import TimestampMixin, UTCDateTime
from ..extensions import Model

if TYPE_CHECKING:
    from ..volunteers.models import VolunteerProfile


class AccessLevel(enum.StrEnum):
    """What an account may do in the hub as a whole (not per organisation)."""

    MEMBER = "member"
    STAFF = "staff"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("access_level IN ('member', 'staff', 'admin')", name="access_level"),
        Index("ix_users_name_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    access_level: Mapped[str] = mapped_column(String(10), default=AccessLevel.MEMBER, index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retention_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    profile: Mapped[VolunteerProfile | None] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.active and self.deleted_at is None

    @property
    def is_staff(self) -> bool:
        """Staff and admins run the hub."""
        return self.access_level in (AccessLevel.STAFF, AccessLevel.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.access_level == AccessLevel.ADMIN

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:
        """The session id: changing `session_version` signs out every other session."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.access_level}>"
