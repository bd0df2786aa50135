"""Shift rules: making shifts (one, or a weekly pattern), booking and cancelling without
overbooking or overlapping, attendance, and the private calendar address."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..audit.services import record_event
from ..auth.models import User
from ..clock import hub_zone, local_today
from ..database import utcnow
from ..extensions import db
from ..hours.shift_hours import record_shift_hours, withdraw_shift_hours
from ..locks import lock_row
from ..placements.models import Placement, PlacementStatus
from ..placements.services import move
from ..reference.settings import setting_int
from ..roles.models import Role
from .models import HOLDING, BookingStatus, CalendarFeed, Shift, ShiftBooking

MAX_WEEKS = 52


class ShiftRefused(Exception):
    """A booking, cancellation or shift that cannot be made, with the reason in words."""


@dataclass(frozen=True)
class ShiftPattern:
    """A shift on `first_day` from `start` to `end` (local times), repeated weekly."""

    first_day: date
    start: time
    end: time
    places: int
    weeks: int = 1


def local_moment(day: date, at: time) -> datetime:
    """A wall-clock time in the hub's time zone, as an aware datetime (clock changes
    included: 10:00 in April is 09:00 UTC, in March before the change 10:00 UTC)."""
    return datetime.combine(day, at, tzinfo=hub_zone())


def real_moment(day: date, at: time) -> datetime:
    """`local_moment`, in UTC; refused for a time the clocks skip (01:30 on the morning
    they go forward does not exist)."""
    moment = local_moment(day, at).astimezone(UTC)
    if moment.astimezone(hub_zone()).time() != at:
        raise ShiftRefused(
            f"{at:%H:%M} does not exist on {day:%-d %B %Y}: the clocks go forward. "
            "Choose another time."
        )
    return moment


def create_shifts(
    role: Role, pattern: ShiftPattern, actor: User, today: date | None = None
) -> list[Shift]:
    """Shifts from `pattern`, from today up to two years ahead; refused whole if any one
    cannot be made (a time the clocks skip, or an end not after the start)."""
    if pattern.end <= pattern.start:
        raise ShiftRefused("The shift must end after it starts.")
    if not 1 <= pattern.weeks <= MAX_WEEKS:
        raise ShiftRefused(f"Repeat a shift for 1 to {MAX_WEEKS} weeks.")
    today = today or local_today()
    if not today <= pattern.first_day <= today + timedelta(days=2 * 366):
        raise ShiftRefused("Choose a date from today up to two years ahead.")
    shifts = []
    for week in range(pattern.weeks):
        day = pattern.first_day + timedelta(weeks=week)
        starts_at, ends_at = real_moment(day, pattern.start), real_moment(day, pattern.end)
        if ends_at <= starts_at:
            raise ShiftRefused(f"On {day:%-d %B %Y} the clocks change: choose other times.")
        shifts.append(Shift(role=role, starts_at=starts_at, ends_at=ends_at, places=pattern.places))
    db.session.add_all(shifts)
    db.session.flush()
    record_event("shifts.created", actor=actor, subject=role, count=len(shifts))
    return shifts


def shifts_since(role: Role, since: datetime) -> list[Shift]:
    """The role's shifts starting after `since`, soonest first."""
    return upcoming_shifts(role, since)


def upcoming_shifts(role: Role, now: datetime) -> list[Shift]:
    return list(
        db.session.scalars(
            select(Shift)
            .where(Shift.role_id == role.id, Shift.starts_at > now)
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def places_booked(shift_ids: list[int]) -> dict[int, int]:
    """Places held on each shift (a group's booking holds its headcount), in one statement."""
    if not shift_ids:
        return {}
    rows = db.session.execute(
        select(ShiftBooking.shift_id, func.sum(Placement.headcount))
        .join(Placement, Placement.id == ShiftBooking.placement_id)
        .where(ShiftBooking.shift_id.in_(shift_ids), ShiftBooking.status.in_(HOLDING))
        .group_by(ShiftBooking.shift_id)
    ).all()
    return {shift_id: int(count) for shift_id, count in rows}


def has_placement(user: User | None, role: Role) -> bool:
    """Whether `user` has ever been placed on the role (approved, active or ended)."""
    if user is None or not user.is_authenticated:
        return False
    found = db.session.scalar(
        select(func.count())
        .select_from(Placement)
        .where(
            Placement.role_id == role.id,
            Placement.volunteer_id == user.id,
            Placement.status.in_(
                (PlacementStatus.APPROVED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)
            ),
        )
    )
    return bool(found)


def live_booking(shift: Shift, volunteer: User) -> ShiftBooking | None:
    return db.session.scalar(
        select(ShiftBooking).where(
            ShiftBooking.shift_id == shift.id,
            ShiftBooking.volunteer_id == volunteer.id,
            ShiftBooking.status != BookingStatus.CANCELLED,
        )
    )


def book(shift: Shift, volunteer: User, now: datetime) -> ShiftBooking:
    """Book a place (a group's lead books its whole headcount): for volunteers approved for
    the role, before the shift starts, never two shifts at once. The volunteer's row and then
    the shift's row are locked (no-op updates) before anything is checked, so simultaneous
    bookings, of one shift or of two overlapping ones, are taken one after the other."""
    placement = db.session.scalar(
        select(Placement).where(
            Placement.role_id == shift.role_id,
            Placement.volunteer_id == volunteer.id,
            Placement.status.in_((PlacementStatus.APPROVED, PlacementStatus.ACTIVE)),
        )
    )
    if placement is None:
        raise ShiftRefused("Shifts can be booked once your application has been approved.")
    if shift.starts_at <= now:
        raise ShiftRefused("This shift has already started.")
    lock_row(User, volunteer.id)
    lock_row(Shift, shift.id)
    if live_booking(shift, volunteer) is not None:
        raise ShiftRefused("You have already booked this shift.")
    if _overlapping(shift, volunteer):
        raise ShiftRefused("You have another shift booked at that time.")
    if places_booked([shift.id]).get(shift.id, 0) + placement.headcount > shift.places:
        raise ShiftRefused("This shift is full. Choose another one.")
    booking = ShiftBooking(shift=shift, placement=placement, volunteer=volunteer)
    db.session.add(booking)
    db.session.flush()
    record_event("shift.booked", actor=volunteer, subject=shift, booking_id=booking.id)
    return booking


def _overlapping(shift: Shift, volunteer: User) -> bool:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ShiftBooking)
            .join(Shift, Shift.id == ShiftBooking.shift_id)
            .where(
                ShiftBooking.volunteer_id == volunteer.id,
                ShiftBooking.status == BookingStatus.BOOKED,
                Shift.starts_at < shift.ends_at,
                Shift.ends_at > shift.starts_at,
            )
        )
        or 0
    ) > 0


def cancellation_closes(shift: Shift, cutoff_hours: int | None = None) -> datetime:
    """When cancelling the shift closes; pass the setting when asking for many shifts."""
    if cutoff_hours is None:
        cutoff_hours = setting_int("cancellation_cutoff_hours")
    return shift.starts_at - timedelta(hours=cutoff_hours)


def cancel(booking: ShiftBooking, volunteer: User, now: datetime) -> None:
    if booking.status != BookingStatus.BOOKED:
        raise ShiftRefused("This booking is not open.")
    if now >= cancellation_closes(booking.shift):
        raise ShiftRefused(
            "Cancellations have closed for this shift. Please tell the organisation directly "
            "that you cannot come."
        )
    booking.status = BookingStatus.CANCELLED
    booking.changed_at = utcnow()
    record_event("shift.cancelled", actor=volunteer, subject=booking.shift, booking_id=booking.id)


def mark_attendance(booking: ShiftBooking, status: BookingStatus, actor: User) -> None:
    """Attended or did not come; the first attended shift starts an approved placement, and
    each attended shift logs the volunteer's hours for it."""
    if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise ShiftRefused("Choose attended or did not come.")
    if booking.status == BookingStatus.CANCELLED:
        raise ShiftRefused("This booking was cancelled.")
    if booking.shift.starts_at > utcnow():
        raise ShiftRefused("The register opens when the shift starts.")
    booking.status = status
    booking.changed_at = utcnow()
    record_event(f"shift.{status}", actor=actor, subject=booking.shift, booking_id=booking.id)
    if status == BookingStatus.ATTENDED and booking.placement.status == PlacementStatus.APPROVED:
        move(booking.placement, PlacementStatus.ACTIVE, actor, reason="first shift attended")
    if status == BookingStatus.ATTENDED:
        record_shift_hours(booking, actor)
    else:
        withdraw_shift_hours(booking, actor)


def bookings_of(volunteer: User, since: datetime) -> list[ShiftBooking]:
    """The volunteer's bookings (not cancelled) of shifts ending after `since`, soonest
    first, with each shift's role and organisation loaded."""
    return list(
        db.session.scalars(
            select(ShiftBooking)
            .join(Shift, Shift.id == ShiftBooking.shift_id)
            .where(
                ShiftBooking.volunteer_id == volunteer.id,
                ShiftBooking.status.in_(HOLDING),
                Shift.ends_at > since,
            )
            .options(
                contains_eager(ShiftBooking.shift)
                .joinedload(Shift.role)
                .joinedload(Role.organisation)
            )
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def calendar_feed(user: User) -> CalendarFeed:
    """The person's calendar address, made on first use."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
        db.session.flush()
    return feed


def reset_calendar_feed(user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed(user)
    feed.token = secrets.token_urlsafe(32)
    record_event("calendar.reset", actor=user, subject=user)
    return feed


def feed_owner(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    owner = db.session.get(User, feed.user_id) if feed is not None else None
    return owner if owner is not None and owner.is_active else None
