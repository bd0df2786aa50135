"""Categories, localities, skills and admin-editable settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import Model


class ReferenceItem(TimestampMixin):
    """What every reference list shares: a unique slug, a name, and a soft `active` state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)

    def __str__(self) -> str:
        return self.name


class Category(ReferenceItem, Model):
    """A field of volunteering, such as community libraries or health and social care."""

    __tablename__ = "categories"


class Locality(ReferenceItem, Model):
    """A town, ward or neighbourhood of the hub's area."""

    __tablename__ = "localities"


class Skill(ReferenceItem, Model):
    """A skill, most of them concepts of the volunteering data standard (kept by IRI)."""

    __tablename__ = "skills"

    iri: Mapped[str | None] = mapped_column(String(200), unique=True)


class DeclineMessage(ReferenceItem, Model):
    """A kind, ready-made message for applicants who are not offered a place; staff keep
    the list, and deciders start from one (the `description` is the message)."""

    __tablename__ = "decline_messages"


class Concept(Model):
    """A concept of the volunteering data standard's taxonomies (causes, requirements,
    rewards, accessibility), kept by IRI; loaded from the shipped Turtle files."""

    __tablename__ = "concepts"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(20), index=True)
    iri: Mapped[str] = mapped_column(String(200), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    broader_iri: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.label


AnyReferenceItem = Category | Locality | Skill | DeclineMessage
ReferenceModel = type[Category] | type[Locality] | type[Skill] | type[DeclineMessage]


class Setting(Model):
    """An admin-edited policy value; the registry in `reference.settings` holds the defaults."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
