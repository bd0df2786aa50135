"""Demo applications: every status, a group from a local business, a waiting list, and the
demo volunteer's own applications. Made through the placement services, as people would."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import time, timedelta

from sqlalchemy import func, select

from .auth.models import AccessLevel, User
from .clock import local_today
from .database import utcnow
from .extensions import db
from .placements import services
from .placements.models import Placement, PlacementStatus
from .roles.models import Role, RoleStatus
from .shifts.models import BookingStatus
from .shifts.services import ShiftPattern, ShiftRefused, book, create_shifts, mark_attendance

NOTES = [
    "I have some free time on weekday mornings and would love to help.",
    "I volunteered at a library in my last town and miss it.",
    "Recently retired and keen to meet people in the area.",
    "Looking for experience before applying to study nursing.",
    "Happy to help wherever I am needed.",
]
# What happens to the demo applications, in turn: (decision, message to the volunteer).
STORIES: list[list[tuple[str, str]]] = [
    [],
    [("approve", "")],
    [("approve", ""), ("start", "")],
    [("approve", ""), ("start", ""), ("end", "completed")],
    [("waitlist", "")],
    [("request_information", "Could you tell us which days you could usually help?")],
    [
        (
            "decline",
            "Thank you for applying. The role needs weekday daytime help, which you said "
            "you cannot give. Please look at our weekend roles.",
        )
    ],
    [("withdraw", "")],
]


def seed_placements(rng: random.Random, say: Callable[[str], None]) -> None:
    """Add the demo applications once (nothing when any placement exists)."""
    if db.session.scalar(select(func.count()).select_from(Placement)):
        return
    decider = db.session.scalar(
        select(User).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
    )
    roles = list(
        db.session.scalars(
            select(Role).where(Role.status == RoleStatus.PUBLISHED).order_by(Role.id).limit(30)
        )
    )
    volunteers = list(
        db.session.scalars(
            select(User).where(User.email.like("volunteer%@%")).order_by(User.id).limit(120)
        )
    )
    if decider is None or not roles or not volunteers:
        return
    made = 0
    for index, volunteer in enumerate(volunteers[:100]):
        role = roles[index % len(roles)]
        application = services.Application(note=rng.choice(NOTES), join_waiting_list=True)
        try:
            placement = services.apply(role, volunteer, application, local_today())
            _play(placement, STORIES[index % len(STORIES)], decider, volunteer)
        except services.PlacementRefused:
            continue  # too young, no DBS check yet, or already applied: as in life
        made += 1
    made += _groups(volunteers[100:], decider)
    offers = 0
    for role in roles:  # places came up on a few roles: offered down their waiting lists
        if offers < 3:
            offers += len(services.offer_free_places(role))
    db.session.flush()
    say(f"Applications: {made} added")
    say(f"Shifts: {_shifts(decider)} added, with bookings and attendance")


def _groups(leads: list[User], decider: User) -> int:
    """Teams from local businesses on roles that welcome groups: one approved, one waiting."""
    roles = db.session.scalars(
        select(Role)
        .where(Role.status == RoleStatus.PUBLISHED, Role.groups_welcome.is_(True))
        .order_by(Role.id)
        .limit(len(leads))
    )
    made = 0
    for lead, role in zip(leads, roles, strict=False):
        application = services.Application(
            note="Our team would like a volunteering day together.",
            headcount=min(role.max_group_size or 6, 6, role.places),
            group_name=f"{lead.name.split()[-1]} & Co staff team",
            join_waiting_list=True,
        )
        try:
            placement = services.apply(role, lead, application, local_today())
            if made % 2 == 0:
                _play(placement, [("approve", "")], decider, lead)
        except services.PlacementRefused:
            continue
        made += 1
    return made


def _play(
    placement: Placement, story: list[tuple[str, str]], decider: User, volunteer: User
) -> None:
    for decision, words in story:
        if decision == "withdraw":
            services.withdraw(placement, volunteer)
        elif decision == "end":
            services.decide(placement, "end", decider, reason=words)
        elif decision == "approve" and placement.status == PlacementStatus.WAITLISTED:
            return  # the role filled up: this one stays on the waiting list
        else:
            services.decide(placement, decision, decider, message=words)


def _shifts(decider: User) -> int:
    """Saturday-morning shifts on the roles with approved volunteers: two past (booked, with
    the register taken) and six to come (some booked)."""
    holders = db.session.scalars(
        select(Placement)
        .where(Placement.status.in_((PlacementStatus.APPROVED, PlacementStatus.ACTIVE)))
        .order_by(Placement.id)
    ).all()
    by_role: dict[int, list[Placement]] = {}
    for placement in holders:
        by_role.setdefault(placement.role_id, []).append(placement)
    today = local_today()
    last_saturday = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
    made = 0
    for placements in list(by_role.values())[:6]:
        role = placements[0].role
        pattern = ShiftPattern(last_saturday - timedelta(weeks=1), time(10), time(13), 6, 8)
        shifts = create_shifts(role, pattern, decider, today=pattern.first_day)  # history too
        made += len(shifts)
        for shift in shifts:
            for placement in placements[:3]:
                volunteer = placement.volunteer
                if volunteer is None:
                    continue
                try:
                    booking = book(shift, volunteer, shift.starts_at - timedelta(days=2))
                except ShiftRefused:
                    continue  # busy elsewhere at that time
                if shift.starts_at < utcnow():
                    mark_attendance(booking, BookingStatus.ATTENDED, decider)
    return made
