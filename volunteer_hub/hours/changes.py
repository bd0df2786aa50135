"""Every change of an entry's status goes through `move` or `approve`: they check the status
machine, record the step on the entry's history and in the audit trail, and keep the rollups
and milestones in step. Callers lock first (`lock_entries`) and commit after."""

from __future__ import annotations

from collections.abc import Sequence

from ..audit.services import record_event
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from .models import HOURS_TRANSITIONS, HoursEntry, HoursEvent, HoursStatus
from .rollup import add_to_rollups, lock_volunteers, record_milestones


class HoursRefused(Exception):
    """A change to hours that cannot be made, with the reason in plain words."""


class EntryInvalid(HoursRefused):
    """Hours that break a rule about one field (`worked_on`, `hours` or `placement`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def lock_entries(entries: Sequence[HoursEntry]) -> None:
    """Lock the entries' volunteers, then read the entries again: whatever was decided
    meanwhile is seen before anything is checked."""
    lock_volunteers(entry.volunteer_id for entry in entries)
    for entry in entries:
        db.session.refresh(entry)


def add_history(entry: HoursEntry, action: str, actor: User | None, message: str = "") -> None:
    """Add a step to the entry's history (saved: the entry has its id), without loading the
    steps before it. The history holds the why; the audit trail says who did what, when."""
    db.session.add(
        HoursEvent(
            entry_id=entry.id,
            action=action,
            status=entry.status,
            actor_id=actor.id if actor else None,
            message=message,
        )
    )


def move(
    entry: HoursEntry, new: HoursStatus, actor: User | None, action: str, message: str = ""
) -> None:
    """Change the entry's status (already locked), keeping the rollups in step."""
    current = HoursStatus(entry.status)
    if new not in HOURS_TRANSITIONS[current]:
        raise HoursRefused(
            f"These hours are {entry.status_label.lower()}: they cannot be {action}."
        )
    if current == HoursStatus.APPROVED:
        add_to_rollups([entry], -1)
    entry.status = new
    if new in (HoursStatus.QUERIED, HoursStatus.REJECTED):
        entry.message = message
    if new != HoursStatus.PENDING:
        entry.verified_by_id = actor.id if actor else None
        entry.verified_at = utcnow()
    add_history(entry, action, actor, message)
    # The message stays in the history, which erasure blanks; the trail holds no free text.
    record_event(f"hours.{action}", actor=actor, subject=entry)


def approve(entries: Sequence[HoursEntry], actor: User | None) -> None:
    """Approve entries (already locked and pending), then record any milestone reached."""
    for entry in entries:
        if entry.status != HoursStatus.PENDING:
            raise HoursRefused(
                f"These hours are {entry.status_label.lower()}: they cannot be approved."
            )
        entry.status = HoursStatus.APPROVED
        entry.message = ""
        entry.verified_by_id = actor.id if actor else None
        entry.verified_at = utcnow()
        add_history(entry, "approved", actor)
        record_event("hours.approved", actor=actor, subject=entry)
    add_to_rollups(entries, 1)
    for volunteer_id in sorted({entry.volunteer_id for entry in entries}):
        record_milestones(volunteer_id)
