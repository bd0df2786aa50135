"""Keeping the hub's dated hourly values: reading, adding and correcting them, each change
audited. Rates are never deleted: a mistaken one is corrected, and the trail keeps what it was."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from .models import ValueRate

MOST_PENCE = 100_000  # £1,000 an hour: anything more is a typing mistake
SOURCE_LENGTH = 300
POUNDS_TYPED = re.compile(
    r"£?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<fraction>[0-9]+))?"
)
NOT_MONEY = "Enter the value of one hour in pounds and pence, like 18.20"
NOT_POSITIVE = "The value of one hour must be more than £0"


class DateTaken(Exception):
    """Another rate already applies from this date."""


def parse_pounds(text: str) -> int:
    """Pence from pounds as a person types them ("18.20", "£18.20", "18", "£1,000"), or
    `ValueError` with a message to show beside the field. Read as a `Decimal`, never a float."""
    typed = text.strip()
    if typed.startswith(("-", "£-", "-£")):
        raise ValueError(NOT_POSITIVE)
    match = POUNDS_TYPED.fullmatch(typed)
    if not match or not (match["whole"] or match["fraction"]):
        raise ValueError(NOT_MONEY)
    fraction = match["fraction"] or "0"
    if len(fraction) > 2:
        raise ValueError(
            "Enter the value of one hour with no more than 2 decimal places, like 18.20"
        )
    pence = Decimal(f"{match['whole'].replace(',', '') or '0'}.{fraction}") * 100
    if pence <= 0:
        raise ValueError(NOT_POSITIVE)
    if pence > MOST_PENCE:
        raise ValueError("The value of one hour must be £1,000 or less")
    return int(pence)


def pounds(pence: int) -> str:
    """Pence shown as pounds: 1820 is "£18.20", 100000 is "£1,000.00"."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


def pounds_typed(pence: int) -> str:
    """Pence as a person would type them back into the form: 1820 is "18.20"."""
    return f"{pence // 100}.{pence % 100:02d}"


def all_rates() -> list[ValueRate]:
    """Every rate, earliest first."""
    return list(db.session.scalars(select(ValueRate).order_by(ValueRate.valid_from)))


def in_force(rates: Sequence[ValueRate], day: date) -> ValueRate | None:
    """The rate in force on `day`: the latest that applies from `day` or before."""
    started = [rate for rate in rates if rate.valid_from <= day]
    return max(started, key=lambda rate: rate.valid_from, default=None)


def _date_taken(valid_from: date, exclude_id: int | None = None) -> bool:
    query = select(ValueRate.id).where(ValueRate.valid_from == valid_from)
    if exclude_id is not None:
        query = query.where(ValueRate.id != exclude_id)
    return db.session.scalar(query) is not None


def _check(valid_from: date, pence_per_hour: int, source: str, exclude_id: int | None) -> None:
    """Refuse what the form should already have refused, and a date another rate has."""
    if not 0 < pence_per_hour <= MOST_PENCE:
        raise ValueError(f"pence_per_hour must be from 1 to {MOST_PENCE}")
    if not source.strip() or len(source.strip()) > SOURCE_LENGTH:
        raise ValueError(f"source must be 1 to {SOURCE_LENGTH} characters")
    if _date_taken(valid_from, exclude_id):
        raise DateTaken(valid_from.isoformat())


def _values(rate: ValueRate) -> dict[str, Any]:
    """What the audit trail records of a rate (no personal data)."""
    return {
        "valid_from": rate.valid_from.isoformat(),
        "pence_per_hour": rate.pence_per_hour,
        "source": rate.source,
    }


def add_rate(
    *, valid_from: date, pence_per_hour: int, source: str, actor: User | None
) -> ValueRate:
    """Add a rate in force from `valid_from`; `DateTaken` when another rate has that date (the
    unique constraint catches two people adding the same date at once: the caller rolls back)."""
    _check(valid_from, pence_per_hour, source, exclude_id=None)
    rate = ValueRate(valid_from=valid_from, pence_per_hour=pence_per_hour, source=source.strip())
    db.session.add(rate)
    db.session.flush()
    record_event("value_rate.added", actor=actor, subject=rate, **_values(rate))
    return rate


def change_rate(
    rate: ValueRate, *, valid_from: date, pence_per_hour: int, source: str, actor: User
) -> list[str]:
    """Correct a rate; returns the names of the fields that changed (none: nothing recorded).
    The audit event keeps the old and the new value of each."""
    _check(valid_from, pence_per_hour, source, exclude_id=rate.id)
    old = _values(rate)
    rate.valid_from = valid_from
    rate.pence_per_hour = pence_per_hour
    rate.source = source.strip()
    new = _values(rate)
    changed = [name for name in old if old[name] != new[name]]
    if changed:
        db.session.flush()
        record_event(
            "value_rate.changed",
            actor=actor,
            subject=rate,
            old={name: old[name] for name in changed},
            new={name: new[name] for name in changed},
        )
    return changed
