"""Placement rules: applying, the status machine, places that are never overbooked, and who
may see or decide an application.

Every change goes through `move`, which checks the transition, records it on the placement's
timeline and in the audit trail, and emails the volunteer; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update

from ..audit.services import record_event
from ..auth.models import User
from ..clock import local_today
from ..database import utcnow
from ..extensions import db
from ..organisations.models import OrganisationStatus
from ..organisations.services import can_coordinate
from ..reference.settings import setting_int
from ..roles.models import Decider, Role, RoleStatus
from ..shifts.models import BookingStatus, Shift, ShiftBooking
from ..training.records import missing_courses
from ..workdays import add_working_days, working_days_between
from .eligibility import dbs_standing, requirements
from .models import (
    END_REASONS,
    HOLDING_PLACES,
    OPEN,
    PLACEMENT_TRANSITIONS,
    Placement,
    PlacementAnswer,
    PlacementEvent,
    PlacementStatus,
)
from .notices import tell_deciders, tell_volunteer
from .questions import questions_of


class PlacementRefused(Exception):
    """An application or a decision that cannot be made, with the reason in plain words."""


class ReasonNeeded(PlacementRefused):
    """A decision that must say why (declining, asking for information)."""


class TrainingNeeded(PlacementRefused):
    """Approval refused: the volunteer lacks training the role requires. Staff may approve
    anyway with a written reason."""


class RoleFull(PlacementRefused):
    """Not enough places for the application: the volunteer may join the waiting list."""


@dataclass(frozen=True)
class Application:
    note: str
    headcount: int = 1
    group_name: str | None = None
    join_waiting_list: bool = False
    group_of_age: bool = False  # the lead says everyone in the group meets the minimum age
    answers: tuple[str, ...] = ()  # to the role's questions, in order


# The deciders' buttons: each names the status it moves the placement to.
DECISIONS: dict[str, PlacementStatus] = {
    "approve": PlacementStatus.APPROVED,
    "waitlist": PlacementStatus.WAITLISTED,
    "request_information": PlacementStatus.INFORMATION_REQUESTED,
    "decline": PlacementStatus.DECLINED,
    "start": PlacementStatus.ACTIVE,
    "end": PlacementStatus.ENDED,
}
NEEDS_MESSAGE = frozenset({PlacementStatus.DECLINED, PlacementStatus.INFORMATION_REQUESTED})
# The reasons a decider may give for ending a placement (erasure gives its own).
ENDINGS = {code: words for code, words in END_REASONS.items() if code != "account erased"}


def moves_from(placement: Placement) -> frozenset[PlacementStatus]:
    return PLACEMENT_TRANSITIONS[PlacementStatus(placement.status)]


def decisions_for(placement: Placement) -> list[str]:
    """The deciders' buttons that apply now, in the order of DECISIONS (ending has a form of
    its own, as it asks why)."""
    moves = moves_from(placement)
    return [name for name, target in DECISIONS.items() if target in moves and name != "end"]


def can_see_applications(user: User | None, role: Role) -> bool:
    """The role's organisation's members and hub staff see its applicants."""
    return can_coordinate(user, role.organisation)


def can_decide(user: User | None, role: Role) -> bool:
    """Staff always; the organisation's members when the role says the organisation decides."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return role.decided_by == Decider.ORGANISATION and can_coordinate(user, role.organisation)


def places_taken(role: Role) -> int:
    """Places held by approved and active placements, groups counted by their headcount."""
    taken = db.session.scalar(
        select(func.coalesce(func.sum(Placement.headcount), 0)).where(
            Placement.role_id == role.id, Placement.status.in_(HOLDING_PLACES)
        )
    )
    return int(taken or 0)


def open_placement(volunteer: User, role: Role) -> Placement | None:
    """The volunteer's application to the role that is still going, if any."""
    return db.session.scalar(
        select(Placement).where(
            Placement.role_id == role.id,
            Placement.volunteer_id == volunteer.id,
            Placement.status.in_(OPEN),
        )
    )


def is_taking_applications(role: Role) -> bool:
    return (
        role.status == RoleStatus.PUBLISHED
        and role.organisation.status == OrganisationStatus.APPROVED
    )


def apply(role: Role, volunteer: User, application: Application, today: date) -> Placement:
    """The volunteer applies (or joins the waiting list of a full role); the deciders and the
    volunteer are emailed."""
    if not is_taking_applications(role):
        raise PlacementRefused("This role is not taking applications.")
    if open_placement(volunteer, role) is not None:
        raise PlacementRefused("You have already applied to this role.")
    blocking = [found for found in requirements(volunteer, role, today) if found.stops_application]
    if blocking:
        raise PlacementRefused(blocking[0].detail)
    if application.group_name is not None:
        _check_group(role, application)
    elif application.headcount != 1:
        raise PlacementRefused("Name the group to apply for more than one person.")
    full = places_taken(role) + application.headcount > role.places
    if full and not application.join_waiting_list:
        raise RoleFull(
            "There are not enough places free for this application just now. You can join "
            "the waiting list instead."
        )
    questions = questions_of(role)
    answers = [answer.strip() for answer in application.answers]
    if len(answers) != len(questions) or not all(answers):
        raise PlacementRefused("Answer each of the organisation's questions.")
    status = PlacementStatus.WAITLISTED if full else PlacementStatus.APPLIED
    placement = Placement(
        role=role,
        volunteer=volunteer,
        headcount=application.headcount,
        group_name=application.group_name,
        note=application.note.strip(),
        status=status,
        due_on=_due_after(today) if status == PlacementStatus.APPLIED else None,
        waitlisted_at=utcnow() if status == PlacementStatus.WAITLISTED else None,
        answers=[
            PlacementAnswer(position=question.position, question=question.text, answer=answer)
            for question, answer in zip(questions, answers, strict=True)
        ],
    )
    db.session.add(placement)
    _record(placement, status, None, volunteer, message=application.note.strip())
    tell_deciders(placement)
    tell_volunteer(placement)
    return placement


def _check_group(role: Role, application: Application) -> None:
    """A group fits the role's places and group size; each member of a role needing a DBS
    check needs their own, and the lead confirms everyone meets the minimum age."""
    if not role.groups_welcome:
        raise PlacementRefused("This role does not take groups.")
    largest = min(role.max_group_size or role.places, role.places)
    if application.headcount > largest:
        raise PlacementRefused(f"Groups for this role are at most {largest} people.")
    if application.headcount < 2:
        raise PlacementRefused("A group is at least 2 people: apply just for yourself.")
    if role.dbs_level:
        raise PlacementRefused(
            "This role needs a DBS check for each volunteer, so each person in the group "
            "should apply for themselves."
        )
    if role.minimum_age is not None and not application.group_of_age:
        raise PlacementRefused(
            f"Confirm that everyone in the group is aged {role.minimum_age} or over."
        )


def _due_after(day: date) -> date:
    """The last working day to answer an application made (or answered) on `day`."""
    return add_working_days(day, setting_int("application_response_days"))


def move(
    placement: Placement,
    new: PlacementStatus,
    actor: User | None,
    *,
    reason: str = "",
    message: str = "",
    training_override: str = "",
) -> None:
    """Move a placement along its status machine; `actor` None is the hub itself (erasure).
    `training_override` is a staff member's reason to approve without required training.

    The role's row is locked first by a no-op update, which takes a row lock on PostgreSQL
    and the write lock on SQLite before anything is counted: decisions on one role's
    placements, made at the same moment, are taken one after the other, and each counts the
    places the ones before it took.
    """
    db.session.flush()  # the refresh below must not drop timeline steps not yet written
    db.session.execute(
        update(Role)
        .where(Role.id == placement.role_id)
        .values(places=Role.places, updated_at=Role.updated_at)  # change nothing, not even
        .execution_options(synchronize_session=False)  # the version staff decisions check
    )
    db.session.refresh(placement)
    current = PlacementStatus(placement.status)
    if new not in PLACEMENT_TRANSITIONS[current]:
        raise PlacementRefused(
            f"This application is now “{placement.status_label}”, so that cannot be done. "
            "Reload the page to see what has changed."
        )
    if new in NEEDS_MESSAGE and not message.strip():
        raise ReasonNeeded("Write a message for the volunteer: they will see it.")
    if new == PlacementStatus.APPROVED:
        _check_approval(placement)
        overridden = _check_training(placement, actor, training_override)
        reason = "\n".join(part for part in (reason.strip(), overridden) if part)
    _run_clock(placement, current, new)
    _run_waiting_list(placement, new)
    placement.status = new
    placement.status_changed_at = utcnow()
    _record(placement, new, current, actor, reason=reason, message=message)
    by_volunteer = actor is not None and actor.id == placement.volunteer_id
    if by_volunteer and new in (PlacementStatus.WITHDRAWN, PlacementStatus.ENDED):
        tell_deciders(placement, left=True)
    tell_volunteer(
        placement, "" if by_volunteer else message.strip(), previous=current, reason=reason
    )
    if current in HOLDING_PLACES and new not in HOLDING_PLACES:
        _cancel_future_bookings(placement)
        offer_free_places(placement.role)


def _cancel_future_bookings(placement: Placement) -> None:
    """A placement that no longer holds a place gives up its coming shifts."""
    coming = select(Shift.id).where(Shift.starts_at > utcnow())
    db.session.execute(
        update(ShiftBooking)
        .where(
            ShiftBooking.placement_id == placement.id,
            ShiftBooking.status == BookingStatus.BOOKED,
            ShiftBooking.shift_id.in_(coming),
        )
        .values(status=BookingStatus.CANCELLED, changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _run_waiting_list(placement: Placement, new: PlacementStatus) -> None:
    """Joining the waiting list takes a place in its queue; an offer has a time limit."""
    if new == PlacementStatus.WAITLISTED:
        placement.waitlisted_at = utcnow()
    if new == PlacementStatus.OFFERED:
        placement.offer_expires_at = utcnow() + timedelta(hours=setting_int("offer_hours"))
    else:
        placement.offer_expires_at = None


def waiting_list(role: Role) -> list[Placement]:
    """The role's waiting list, first come first served."""
    return list(
        db.session.scalars(
            select(Placement)
            .where(Placement.role_id == role.id, Placement.status == PlacementStatus.WAITLISTED)
            .order_by(Placement.waitlisted_at, Placement.id)
        )
    )


def offer_free_places(role: Role) -> list[Placement]:
    """Offer the role's free places down its waiting list, in order; a group waits while too
    few places are free for it, and those behind it who fit are offered meanwhile."""
    if not is_taking_applications(role):
        return []
    free = role.places - places_taken(role)
    offered = []
    for waiting in waiting_list(role):
        if free <= 0:
            break
        if waiting.headcount <= free:
            move(waiting, PlacementStatus.OFFERED, None)
            free -= waiting.headcount
            offered.append(waiting)
    return offered


def offer_is_open(placement: Placement) -> bool:
    """An offer of a place that may still be taken up (the job withdraws it soon after)."""
    expires = placement.offer_expires_at
    return placement.status == PlacementStatus.OFFERED and (expires is None or expires > utcnow())


def accept_offer(placement: Placement, volunteer: User) -> None:
    if placement.status != PlacementStatus.OFFERED:
        raise PlacementRefused("There is no offer of a place to accept on this application.")
    if not offer_is_open(placement):
        raise PlacementRefused("This offer has run out: the place passes to the next person.")
    missing = missing_courses(volunteer.id, placement.role, local_today())
    if missing:
        names = ", ".join(course.title for course in missing)
        raise TrainingNeeded(
            f"This role needs training you have not done yet: {names}. Book it on the "
            "training calendar, and ask the organisation whether they can hold the place."
        )
    move(placement, PlacementStatus.APPROVED, volunteer)


def refuse_offer(placement: Placement, volunteer: User) -> None:
    if placement.status != PlacementStatus.OFFERED:
        raise PlacementRefused("There is no offer of a place to refuse on this application.")
    move(placement, PlacementStatus.WITHDRAWN, volunteer, reason="offer refused")


def expire_offers() -> int:
    """Withdraw the offers whose time is up; each freed place goes to the next in line."""
    expired = db.session.scalars(
        select(Placement)
        .where(
            Placement.status == PlacementStatus.OFFERED,
            Placement.offer_expires_at <= utcnow(),
        )
        .order_by(Placement.offer_expires_at, Placement.id)
    ).all()
    for placement in expired:
        move(placement, PlacementStatus.WITHDRAWN, None, reason="offer expired")
    return len(expired)


def _check_approval(placement: Placement) -> None:
    role = placement.role
    own = placement.headcount if PlacementStatus(placement.status) in HOLDING_PLACES else 0
    free = role.places - places_taken(role) + own  # an offer's place is already its own
    if placement.headcount > free:
        raise PlacementRefused(
            f"The role has {max(free, 0)} of {role.places} places free: not enough for this "
            "application. Waitlist it, or add places to the role."
        )
    volunteer = placement.volunteer
    if volunteer is not None and not dbs_standing(volunteer, role, local_today()).meets:
        raise PlacementRefused(
            "The volunteer no longer holds a DBS check that meets this role's requirement. "
            "Hub staff can record a new check first."
        )


def _check_training(placement: Placement, actor: User | None, override: str) -> str:
    """A decider may not approve someone without a counting record of each course the role
    requires, unless staff give a reason (audited; returned for the application's timeline,
    which deciders see and the volunteer does not). Taking up an offered place is checked
    in `accept_offer`, in words for the volunteer."""
    volunteer = placement.volunteer
    if volunteer is None or actor is None or actor.id == volunteer.id:
        return ""
    missing = missing_courses(volunteer.id, placement.role, local_today())
    if not missing:
        return ""
    names = ", ".join(course.title for course in missing)
    if not actor.is_staff:
        raise TrainingNeeded(
            f"{volunteer.name} has no valid record of training this role requires: {names}. "
            "They can book it on the training calendar; hub staff can approve anyway."
        )
    if not override.strip():
        raise TrainingNeeded(
            f"{volunteer.name} has no valid record of training this role requires: {names}. "
            "To approve anyway, write why in “Approve without the required training”."
        )
    record_event(
        "placement.training_override",
        actor=actor,
        subject=placement,
        courses=[course.title for course in missing],
        reason=override.strip(),
    )
    return f"Approved without the required training ({names}): {override.strip()}"


def _run_clock(placement: Placement, current: PlacementStatus, new: PlacementStatus) -> None:
    """Asking for information pauses the response clock until the answer; any other
    decision stops it."""
    today = local_today()
    if new == PlacementStatus.INFORMATION_REQUESTED and placement.due_on is not None:
        placement.days_left = max(working_days_between(today, placement.due_on), 1)
    elif current == PlacementStatus.INFORMATION_REQUESTED and new == PlacementStatus.APPLIED:
        days = placement.days_left or setting_int("application_response_days")
        placement.due_on = add_working_days(today, days)
        placement.days_left = None
        return
    placement.due_on = None
    waiting = (PlacementStatus.APPLIED, PlacementStatus.INFORMATION_REQUESTED)
    if current in waiting and placement.decided_at is None:
        placement.decided_at = utcnow()


def decide(
    placement: Placement,
    decision: str,
    actor: User,
    *,
    reason: str = "",
    message: str = "",
    training_override: str = "",
) -> None:
    """A decider's button; refused unless `actor` may decide for the role."""
    if decision not in DECISIONS:
        raise PlacementRefused("Choose what to do with the application.")
    if not can_decide(actor, placement.role):
        raise PlacementRefused("Hub staff decide the applications to this role.")
    if actor.id == placement.volunteer_id:
        raise PlacementRefused("Someone else must decide on your own application.")
    if decision == "end" and reason not in ENDINGS:
        raise ReasonNeeded("Choose why the placement ended.")
    move(
        placement,
        DECISIONS[decision],
        actor,
        reason=reason,
        message=message,
        training_override=training_override,
    )


def withdraw(placement: Placement, volunteer: User, message: str = "") -> None:
    """The volunteer withdraws their application, or leaves a role they have started (which
    ends the placement: they moved on). The deciders are told."""
    if placement.status == PlacementStatus.ACTIVE:
        move(placement, PlacementStatus.ENDED, volunteer, reason="moved-on", message=message)
    else:
        move(placement, PlacementStatus.WITHDRAWN, volunteer, message=message)


def close_for_erasure(placement: Placement) -> None:
    """An erased account's open placement: withdrawn, or ended if it had started."""
    if placement.status == PlacementStatus.ACTIVE:
        move(placement, PlacementStatus.ENDED, None, reason="account erased")
    elif PlacementStatus(placement.status) in OPEN:
        move(placement, PlacementStatus.WITHDRAWN, None, reason="account erased")


def answer(placement: Placement, volunteer: User, text: str) -> None:
    """The volunteer answers a request for information; the application is back with the
    deciders, who are emailed."""
    if placement.status != PlacementStatus.INFORMATION_REQUESTED:
        raise PlacementRefused("Nobody has asked you for more information about this application.")
    if not text.strip():
        raise ReasonNeeded("Write your answer.")
    move(placement, PlacementStatus.APPLIED, volunteer, message=text)
    tell_deciders(placement, answered=True)


def _record(
    placement: Placement,
    new: PlacementStatus,
    previous: PlacementStatus | None,
    actor: User | None,
    *,
    reason: str = "",
    message: str = "",
) -> None:
    placement.events.append(
        PlacementEvent(
            status=new,
            previous=previous,
            actor=actor,
            reason=reason.strip(),
            message=message.strip(),
        )
    )
    record_event(
        f"placement.{new}",
        actor=actor,
        subject=placement,
        role_id=placement.role_id,
        previous=str(previous) if previous else None,
    )
