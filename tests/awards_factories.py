"""Factory functions for the awards tests: saved cycles, categories, nominations and judges."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from volunteer_hub.auth.models import User
from volunteer_hub.awards.models import (
    AwardCategory,
    AwardCycle,
    JudgeAssignment,
    Nomination,
    NominationEvent,
)
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db

_numbers = itertools.count(1)


def make_cycle(
    year: int = 2026, *, opens: datetime | None = None, closes: datetime | None = None
) -> AwardCycle:
    """A cycle open for nominations now unless told otherwise."""
    now = utcnow()
    cycle = AwardCycle(
        year=year,
        title=f"Riverside Volunteer Awards {year}",
        nominations_open_at=opens or now - timedelta(days=10),
        nominations_close_at=closes or now + timedelta(days=20),
        judging_deadline=date(year, 12, 1),
        ceremony_at=now + timedelta(days=60),
        venue="Riverside Town Hall",
    )
    db.session.add(cycle)
    db.session.commit()
    return cycle


def make_award_category(cycle: AwardCycle, name: str | None = None, **fields: Any) -> AwardCategory:
    category = AwardCategory(
        cycle=cycle,
        name=name or f"Volunteer of the year {next(_numbers)}",
        description="For outstanding volunteering.",
        criteria=fields.pop("criteria", ["Impact", "Commitment"]),
        **fields,
    )
    db.session.add(category)
    db.session.commit()
    return category


def make_nomination(
    category: AwardCategory, status: str = "submitted", **fields: Any
) -> Nomination:
    number = next(_numbers)
    values: dict[str, Any] = {
        "nominee_name": f"Nominee {number}",
        "nominator_name": f"Nominator {number}",
        "nominator_email": f"nominator{number}@example.org",
        "nominator_relationship": "We volunteer together",
        "statement": f"Statement {number}: always there for everyone.",
    } | fields
    nomination = Nomination(category=category, status=status, **values)
    db.session.add(nomination)
    db.session.flush()
    db.session.add(NominationEvent(nomination_id=nomination.id, action="nominated", status=status))
    db.session.commit()
    return nomination


def make_judge(category: AwardCategory, judge: User) -> JudgeAssignment:
    assignment = JudgeAssignment(category=category, judge=judge)
    db.session.add(assignment)
    db.session.commit()
    return assignment
