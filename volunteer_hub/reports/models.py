"""The hourly values that turn verified hours into a social value, each from a named source
and in force from its date until the next one's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import TimestampMixin
from ..extensions import Model


class ValueRate(TimestampMixin, Model):
    """An hourly value in pence, in force from `valid_from` until the next rate's date."""

    __tablename__ = "value_rates"
    __table_args__ = (CheckConstraint("pence_per_hour > 0", name="pence_per_hour_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(unique=True)
    pence_per_hour: Mapped[int]
    source: Mapped[str] = mapped_column(String(300))
