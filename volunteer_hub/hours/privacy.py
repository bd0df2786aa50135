"""Hours in the account export, and their erasure: the entries stay, so that totals, rollups
and counts of people stay true, but nothing the person or their verifiers wrote about them
does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..exporting import columns
from ..extensions import db
from ..roles.models import Role
from .models import HoursEntry, HoursEvent, Milestone
from .services import reject_for_erasure


def hours_sections(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's hours entries, each with its whole history, and their milestones."""
    entries = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == user.id)
        .options(
            selectinload(HoursEntry.role).selectinload(Role.organisation),
            selectinload(HoursEntry.verified_by),
            selectinload(HoursEntry.events).selectinload(HoursEvent.actor),
        )
        .order_by(HoursEntry.worked_on, HoursEntry.id)
    )
    milestones = db.session.scalars(
        select(Milestone).where(Milestone.volunteer_id == user.id).order_by(Milestone.hours)
    )
    return {
        "hours_entries": [_entry_section(entry) for entry in entries],
        "milestones": [columns(m, ["hours", "reached_at"]) for m in milestones],
    }


def _entry_section(entry: HoursEntry) -> dict[str, Any]:
    return columns(
        entry,
        ["id", "worked_on", "quarters", "hours", "status", "note", "message", "verified_at"]
        + ["created_at"],
    ) | {
        "role": entry.role.title,
        "organisation": entry.role.organisation.name,
        "from_shift": entry.shift_booking_id is not None,
        "verified_by": entry.verified_by.name if entry.verified_by else None,
        "history": [
            columns(event, ["created_at", "action", "status", "message"])
            | {"by": event.actor.name if event.actor else None}
            for event in entry.events
        ],
    }


def erase_hours(user: User) -> None:
    """Keep the person's entries (pointing at the anonymous account erasure leaves) and their
    milestones; blank their notes, the verifiers' messages and every message in the entries'
    histories; forget that the person acted on them; then reject hours still waiting or
    queried, with "account erased" as the reason."""
    theirs = select(HoursEntry.id).where(HoursEntry.volunteer_id == user.id).scalar_subquery()
    db.session.execute(
        update(HoursEntry).where(HoursEntry.volunteer_id == user.id).values(note="", message="")
    )
    db.session.execute(update(HoursEvent).where(HoursEvent.entry_id.in_(theirs)).values(message=""))
    db.session.execute(
        update(HoursEvent)
        .where(HoursEvent.entry_id.in_(theirs), HoursEvent.actor_id == user.id)
        .values(actor_id=None)
    )
    reject_for_erasure(user)
    db.session.flush()
