"""Reminders sent once: each is claimed by a unique row in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import Model, db


class ReminderClaim(Model):
    """`(kind, subject_id, period)` was reminded; `period` tells one occasion from the next
    (an insurance expiry date, a six-month review period, a shift's start)."""

    __tablename__ = "reminder_claims"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    period: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def claim_reminder(kind: str, subject_id: int, period: str) -> bool:
    """True the first time for this occasion, in any process; False ever after.

    The claim is a savepoint in the caller's transaction, so the reminder's email and its
    claim are committed together or not at all.
    """
    try:
        with db.session.begin_nested():
            db.session.add(ReminderClaim(kind=kind, subject_id=subject_id, period=period))
    except IntegrityError:
        return False
    return True
