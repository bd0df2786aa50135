"""Hours from shift registers: an attended shift logs the volunteer's hours for its length;
a register corrected to "did not come" takes them back."""

from __future__ import annotations

from sqlalchemy import select

from ..audit.services import record_event
from ..auth.models import User
from ..clock import local_date
from ..extensions import db
from ..shifts.models import ShiftBooking
from .changes import add_history, approve, lock_entries, move
from .models import MOST_QUARTERS, HoursEntry, HoursStatus

NOT_ATTENDED = "The register was corrected: marked as not attending this shift"


def shift_quarters(booking: ShiftBooking) -> int:
    """The shift's length in quarter-hours, to the nearest quarter, within one day."""
    minutes = (booking.shift.ends_at - booking.shift.starts_at).total_seconds() / 60
    return max(1, min(MOST_QUARTERS, round(minutes / 15)))


def shift_entry(booking: ShiftBooking) -> HoursEntry | None:
    return db.session.scalar(select(HoursEntry).where(HoursEntry.shift_booking_id == booking.id))


def record_shift_hours(booking: ShiftBooking, actor: User) -> HoursEntry | None:
    """Hours for an attended shift: waiting to be verified, or approved at once where the
    organisation has chosen so. Marking the same shift attended again changes nothing."""
    if booking.volunteer_id is None:
        return None
    entry = shift_entry(booking)
    approve_now = booking.shift.role.organisation.approves_shift_hours
    if entry is None:
        entry = HoursEntry(
            volunteer_id=booking.volunteer_id,
            placement_id=booking.placement_id,
            role_id=booking.shift.role_id,
            worked_on=local_date(booking.shift.starts_at),
            quarters=shift_quarters(booking),
            note="Shift attended",
            shift_booking_id=booking.id,
            logged_by_id=actor.id,
        )
        db.session.add(entry)
        db.session.flush()
        add_history(entry, "logged", actor, "From the shift's register")
        record_event("hours.logged", actor=actor, subject=entry, shift_booking_id=booking.id)
    else:
        lock_entries([entry])
        if entry.status != HoursStatus.REJECTED or entry.message != NOT_ATTENDED:
            return entry  # counted already, or not accepted by a verifier: theirs to undo
        move(entry, HoursStatus.PENDING, actor, "restored", "The register was corrected")
    if approve_now:
        lock_entries([entry])
        approve([entry], actor)
    return entry


def withdraw_shift_hours(booking: ShiftBooking, actor: User) -> None:
    """The register now says the volunteer did not come: their hours for it no longer count."""
    entry = shift_entry(booking)
    if entry is None:
        return
    lock_entries([entry])
    if entry.status != HoursStatus.REJECTED:
        move(
            entry,
            HoursStatus.REJECTED,
            actor,
            "rejected",
            NOT_ATTENDED,
        )
