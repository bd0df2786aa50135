"""Hours rules: who logs against which placement and when, verification (approve, query,
reject, bulk approve), the volunteer's correction, staff reversal, logging many entries at
once, and closing an erased volunteer's waiting hours.

Every change of status goes through `changes.move` or `changes.approve`; the caller commits.
Hours from shift registers are in `shift_hours`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..audit.services import record_event
from ..auth.models import User
from ..clock import local_date
from ..extensions import db
from ..mail import queue_email
from ..organisations.services import can_coordinate
from ..placements.models import Placement, PlacementEvent, PlacementStatus
from ..roles.models import Role
from ..urls import external_url
from .changes import EntryInvalid as EntryInvalid
from .changes import HoursRefused as HoursRefused
from .changes import add_history, approve, lock_entries, move
from .models import MOST_QUARTERS, QUARTERS_PER_HOUR, HoursEntry, HoursStatus
from .rollup import lock_volunteers

# Placements a volunteer logs against; the deciders may also log late hours once one ended.
VOLUNTEER_LOGS = frozenset({PlacementStatus.APPROVED, PlacementStatus.ACTIVE})
VERIFIER_LOGS = VOLUNTEER_LOGS | {PlacementStatus.ENDED}
NOTE_LENGTH = 500


HOURS_TYPED = re.compile(r"\d{1,3}(\.\d{1,6})?|\.\d{1,6}")


def parse_hours(text: str) -> int:
    """Quarter-hours from what a person typed ("2", "1.5", "0.25"), or `EntryInvalid`. Only
    plain decimals are read: no exponents, signs, underscores or words."""
    typed = text.strip()
    if not HOURS_TYPED.fullmatch(typed):
        raise EntryInvalid("hours", "Enter the hours as a number, like 2 or 1.5")
    quarters = Decimal(typed) * QUARTERS_PER_HOUR
    if quarters != quarters.to_integral_value():
        raise EntryInvalid("hours", "Enter hours in quarter-hour steps, like 1.25, 1.5 or 1.75")
    if not 1 <= quarters <= MOST_QUARTERS:
        raise EntryInvalid("hours", "Enter from 0.25 to 24 hours")
    return int(quarters)


def can_verify(user: User | None, role: Role) -> bool:
    """The role's organisation's coordinators and hub staff."""
    return can_coordinate(user, role.organisation)


def can_verify_entry(user: User | None, entry: HoursEntry) -> bool:
    """Verifiers of the role, never for their own hours."""
    return (
        user is not None
        and user.is_authenticated
        and user.id != entry.volunteer_id
        and (user.is_staff or can_verify(user, entry.role))  # staff: no need to load the role
    )


def can_see_entry(user: User | None, entry: HoursEntry) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.id == entry.volunteer_id or can_verify(user, entry.role)


def approved_on(placement: Placement) -> date:
    """The local day the placement was first approved (the first day hours may be logged)."""
    approved_at = db.session.scalar(
        select(PlacementEvent.created_at)
        .where(
            PlacementEvent.placement_id == placement.id,
            PlacementEvent.status == PlacementStatus.APPROVED,
        )
        .order_by(PlacementEvent.created_at, PlacementEvent.id)
        .limit(1)
    )
    return local_date(approved_at or placement.decided_at or placement.created_at)


def logging_window(placement: Placement, today: date) -> tuple[date, date]:
    """The first and last days hours may be logged for: from approval to the end of the
    placement or of the role, or today."""
    first = approved_on(placement)
    last = today
    if placement.status == PlacementStatus.ENDED:
        last = min(last, local_date(placement.status_changed_at))
    if placement.role.ends_on is not None:
        last = min(last, placement.role.ends_on)
    return first, last


def check_entry(placement: Placement, worked_on: date, today: date) -> None:
    if worked_on > today:
        raise EntryInvalid("worked_on", "The date cannot be in the future")
    first, last = logging_window(placement, today)
    if worked_on < first:
        raise EntryInvalid(
            "worked_on",
            f"Enter a date on or after {first:%-d %B %Y}, when your place on this role "
            "was approved",
        )
    if worked_on > last:
        raise EntryInvalid(
            "worked_on",
            f"Enter a date on or before {last:%-d %B %Y}, the last day of this placement",
        )


def _check_placement(placement: Placement, actor: User) -> bool:
    """Whether `actor` logs as a verifier (their entries are approved at once)."""
    if actor.id == placement.volunteer_id:
        if placement.status not in VOLUNTEER_LOGS:
            raise EntryInvalid("placement", "You can log hours once your place is approved")
        return False
    if not can_verify(actor, placement.role):
        raise HoursRefused("You cannot log hours for this role.")
    if placement.volunteer_id is None or placement.status not in VERIFIER_LOGS:
        raise EntryInvalid("placement", "Hours can be logged only for a placement that started")
    return True


def log_hours(
    placement: Placement, worked_on: date, quarters: int, note: str, actor: User, today: date
) -> HoursEntry:
    """Log hours for the placement's volunteer. The volunteer's own entries wait for
    verification; a coordinator's or staff member's are approved as they are logged."""
    as_verifier = _check_placement(placement, actor)
    check_entry(placement, worked_on, today)
    if not 1 <= quarters <= MOST_QUARTERS:
        raise EntryInvalid("hours", "Enter from 0.25 to 24 hours")
    assert placement.volunteer_id is not None  # noqa: S101 - checked above
    entry = HoursEntry(
        volunteer_id=placement.volunteer_id,
        placement_id=placement.id,
        role_id=placement.role_id,
        worked_on=worked_on,
        quarters=quarters,
        note=note.strip()[:NOTE_LENGTH],
        logged_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    add_history(entry, "logged", actor)
    record_event("hours.logged", actor=actor, subject=entry, quarters=quarters)
    if as_verifier:
        lock_entries([entry])
        approve([entry], actor)
    return entry


DECISIONS = {
    "approve": HoursStatus.APPROVED,
    "query": HoursStatus.QUERIED,
    "reject": HoursStatus.REJECTED,
}


PAST = {"approve": "approved", "query": "queried", "reject": "rejected"}


def decisions_for(entry: HoursEntry) -> list[str]:
    """The decisions a verifier may make on the entry as it stands: any while it waits; only
    to reject once queried (the volunteer may still correct it); none once decided, as a
    decision is undone only by staff reversing it."""
    if entry.status == HoursStatus.PENDING:
        return list(DECISIONS)
    if entry.status == HoursStatus.QUERIED:
        return ["reject"]
    return []


def decide(entry: HoursEntry, decision: str, actor: User, message: str = "") -> None:
    """Approve, query (the volunteer sees the message) or reject (with a reason), as far as
    `decisions_for` allows, read under the volunteer's lock so a decision made meanwhile is
    seen."""
    if not can_verify_entry(actor, entry):
        raise HoursRefused("You cannot verify these hours.")
    lock_entries([entry])
    if decision not in decisions_for(entry):
        raise HoursRefused(
            f"These hours are {entry.status_label.lower()}: they cannot be {PAST[decision]}."
        )
    new = DECISIONS[decision]
    if new == HoursStatus.APPROVED:
        approve([entry], actor)
        return
    if not message.strip():
        raise HoursRefused(
            "Say what the volunteer should check."
            if new == HoursStatus.QUERIED
            else "Say why these hours are not accepted."
        )
    move(entry, new, actor, PAST[decision], message.strip())
    _tell_volunteer(entry, PAST[decision], message.strip())


def bulk_approve(entries: Sequence[HoursEntry], actor: User) -> int:
    """Approve every entry still pending that `actor` may verify; returns how many."""
    verifies: dict[int, bool] = {}  # by organisation: one membership check each
    for entry in entries:
        organisation_id = entry.role.organisation_id
        if organisation_id not in verifies:
            verifies[organisation_id] = can_verify(actor, entry.role)
    mine = [
        entry
        for entry in entries
        if verifies[entry.role.organisation_id] and entry.volunteer_id != actor.id
    ]
    lock_entries(mine)
    pending = [entry for entry in mine if entry.status == HoursStatus.PENDING]
    if pending:
        approve(pending, actor)
    return len(pending)


def correct(
    entry: HoursEntry, volunteer: User, worked_on: date, quarters: int, note: str, today: date
) -> None:
    """The volunteer changes hours still waiting or queried; a queried entry goes back to be
    verified again."""
    if volunteer.id != entry.volunteer_id:
        raise HoursRefused("You can change only your own hours.")
    lock_entries([entry])
    if entry.status not in (HoursStatus.PENDING, HoursStatus.QUERIED):
        raise HoursRefused("These hours have been decided: they cannot be changed now.")
    check_entry(entry.placement, worked_on, today)
    entry.worked_on, entry.quarters = worked_on, quarters
    entry.note = note.strip()[:NOTE_LENGTH]
    if entry.status == HoursStatus.QUERIED:
        move(entry, HoursStatus.PENDING, volunteer, "resubmitted")
    else:
        add_history(entry, "changed", volunteer)
        record_event("hours.changed", actor=volunteer, subject=entry)


REVERSIBLE = frozenset({HoursStatus.APPROVED, HoursStatus.REJECTED})


def can_reverse(user: User | None, entry: HoursEntry) -> bool:
    """Hub staff may reverse a decision on anyone's hours but their own."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.id != entry.volunteer_id
        and entry.status in REVERSIBLE
    )


def reverse(entry: HoursEntry, actor: User, reason: str) -> None:
    """Staff undo a decision, with a reason: the entry waits to be verified again."""
    if not actor.is_staff:
        raise HoursRefused("Only hub staff can reverse a decision.")
    if actor.id == entry.volunteer_id:
        raise HoursRefused("You cannot reverse a decision on your own hours.")
    if not reason.strip():
        raise HoursRefused("Say why the decision is reversed.")
    lock_entries([entry])
    if entry.status not in REVERSIBLE:
        raise HoursRefused("Only verified or rejected hours can be reversed.")
    move(entry, HoursStatus.PENDING, actor, "reversed", reason.strip())
    _tell_volunteer(entry, "reversed", reason.strip())


def _tell_volunteer(entry: HoursEntry, decision: str, message: str) -> None:
    volunteer = entry.volunteer
    if volunteer.deleted_at is not None:
        return
    queue_email(
        volunteer.email,
        "hours_decided",
        recipient_id=volunteer.id,
        name=volunteer.name,
        decision=decision,
        message=message,
        role=entry.role.title,
        worked_on=entry.worked_on,
        hours=entry.quarters,
        url=external_url("hours.entry", entry_id=entry.id),
    )


# --- The verifiers' pages: the decisions open to an entry, and the bulk grid ----------------


ERASED_REASON = "account erased"


def reject_for_erasure(volunteer: User) -> int:
    """Reject the erased volunteer's hours still waiting or queried, with "account erased"
    as the reason: nobody is left to answer a query or hear a decision, and these hours
    never counted, so no total changes. Returns how many were rejected."""
    lock_volunteers([volunteer.id])
    waiting = db.session.scalars(
        select(HoursEntry)
        .where(
            HoursEntry.volunteer_id == volunteer.id,
            HoursEntry.status.in_([HoursStatus.PENDING, HoursStatus.QUERIED]),
        )
        .order_by(HoursEntry.id)
    ).all()
    for entry in waiting:
        move(entry, HoursStatus.REJECTED, None, "rejected", ERASED_REASON)
    return len(waiting)


class RowsRefused(HoursRefused):
    """Rows of many entries that cannot be logged: the reason for each, by row (from 0)."""

    def __init__(self, reasons: dict[int, str]) -> None:
        super().__init__("Some hours could not be logged.")
        self.reasons = reasons


def log_many(
    rows: Sequence[tuple[Placement, date, int, str]], actor: User, today: date
) -> list[HoursEntry]:
    """Log many entries (placement, day, quarter-hours, note) as their verifier, approved at
    once (a team day's grid, an imported file): every row is checked as `log_hours` checks
    it, and `RowsRefused` names each bad one before anything is written; then the rollups
    and milestones are brought up to date in one go."""
    lock_volunteers(row[0].volunteer_id for row in rows if row[0].volunteer_id is not None)
    windows: dict[int, tuple[date, date]] = {}  # each placement checked once
    reasons: dict[int, str] = {}
    for index, (placement, worked_on, quarters, _note) in enumerate(rows):
        try:
            if placement.id not in windows:
                if not _check_placement(placement, actor):
                    raise HoursRefused("Your own hours wait for someone else to verify them.")
                windows[placement.id] = logging_window(placement, today)
            first, last = windows[placement.id]
            if not first <= worked_on <= last:
                check_entry(placement, worked_on, today)  # refuses it, in its own words
            if not 1 <= quarters <= MOST_QUARTERS:
                raise EntryInvalid("hours", "Enter from 0.25 to 24 hours")
        except HoursRefused as refused:
            reasons[index] = str(refused)
    if reasons:
        raise RowsRefused(reasons)
    entries = [
        HoursEntry(
            volunteer_id=placement.volunteer_id,
            placement_id=placement.id,
            role_id=placement.role_id,
            worked_on=worked_on,
            quarters=quarters,
            note=note.strip()[:NOTE_LENGTH],
            logged_by_id=actor.id,
            events=[],
        )
        for placement, worked_on, quarters, note in rows
    ]
    db.session.add_all(entries)
    db.session.flush()
    for entry in entries:
        add_history(entry, "logged", actor)
        record_event("hours.logged", actor=actor, subject=entry, quarters=entry.quarters)
    approve(entries, actor)
    return entries
