"""Training and checks that run out: when each reminder is due, what has been renewed, who
coordinates the roles that need it, and the staff lists of training running out soon and of
volunteers lacking the training their role requires.

A training record's `expires_on` is the first day it no longer counts; a check's renewal date
(`renewal_date`) is the day it falls due. Reminders go 60, 30 and 7 days before, and on the day
itself; a run that missed days sends only the most urgent stage that has come, so no reminder
ever follows a more urgent one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from ..auth.models import User
from ..clock import add_months
from ..extensions import db
from ..organisations.models import Membership, Organisation
from ..placements.eligibility import SATISFIES
from ..placements.models import Placement, PlacementStatus
from ..roles.models import Role, role_courses
from ..volunteers.models import Check, CheckKind, CheckLevel
from ..volunteers.services import renewal_date
from .models import Course, RecordStatus, TrainingRecord
from .records import counting

STAGES = (60, 30, 7, 0)  # days before; 0 is the day itself
LIST_DAYS = 90  # how far ahead the staff list looks


def stage_due(day: date, today: date) -> int | None:
    """The most urgent stage that has come for something running out on `day`: None before
    the first, and None once the day has passed."""
    left = (day - today).days
    come = [stage for stage in STAGES if 0 <= left <= stage]
    return min(come) if come else None


def reminder_period(day: date, stage: int) -> str:
    """The claim's period: a new date (a correction, a status check) gets reminders anew."""
    return f"{day.isoformat()}/{stage}"


@dataclass(frozen=True)
class Recipient:
    """Who an email goes to, read before the job starts committing (and expiring objects)."""

    id: int
    name: str
    email: str

    @classmethod
    def of(cls, user: User) -> Recipient:
        return cls(user.id, user.name, user.email)


@dataclass(frozen=True)
class ActiveRole:
    """A role the volunteer is active on, through `placement_id`."""

    placement_id: int
    role: str
    organisation_id: int
    organisation: str
    need: str | None  # the DBS level the role needs (for checks)


# --- Training records --------------------------------------------------------------------------


def renewed() -> ColumnElement[bool]:
    """The condition on `TrainingRecord` for a record its holder has renewed: they hold a
    verified record of the same course that runs out later, or never."""
    later = aliased(TrainingRecord)
    return exists().where(
        later.volunteer_id == TrainingRecord.volunteer_id,
        later.course_id == TrainingRecord.course_id,
        later.status == RecordStatus.VERIFIED,
        later.id != TrainingRecord.id,
        or_(later.expires_on.is_(None), later.expires_on > TrainingRecord.expires_on),
    )


def _running_out(today: date, until: date) -> list[ColumnElement[bool]]:
    """Verified records of active accounts running out from `today` to `until`, not renewed
    (the query must join the volunteer)."""
    return [
        TrainingRecord.status == RecordStatus.VERIFIED,
        TrainingRecord.expires_on >= today,
        TrainingRecord.expires_on <= until,
        User.active.is_(True),
        User.deleted_at.is_(None),
        ~renewed(),
    ]


def expiring(today: date, days: int = LIST_DAYS) -> Select[TrainingRecord]:
    """Records running out in the next `days` days (today's included), soonest first."""
    return (
        select(TrainingRecord)
        .join(User, User.id == TrainingRecord.volunteer_id)
        .join(Course, Course.id == TrainingRecord.course_id)
        .where(*_running_out(today, today + timedelta(days=days)))
        .options(contains_eager(TrainingRecord.volunteer), contains_eager(TrainingRecord.course))
        .order_by(TrainingRecord.expires_on, TrainingRecord.id)
    )


def expiring_ids(today: date, days: int = LIST_DAYS) -> Select[Any]:
    return (
        select(TrainingRecord.id)
        .join(User, User.id == TrainingRecord.volunteer_id)
        .where(*_running_out(today, today + timedelta(days=days)))
    )


def count_expiring(today: date) -> int:
    query = expiring_ids(today).with_only_columns(func.count(TrainingRecord.id))
    return int(db.session.execute(query).scalar_one())


def roles_needing(records: Iterable[int] | Select[Any]) -> dict[int, list[ActiveRole]]:
    """For each record (ids, or a select of them), the roles its holder is active on that
    require its course, by title: one statement, however many records."""
    rows = db.session.execute(
        select(
            TrainingRecord.id,
            Placement.id,
            Role.title,
            Organisation.id,
            Organisation.name,
        )
        .select_from(TrainingRecord)
        .join(
            Placement,
            and_(
                Placement.volunteer_id == TrainingRecord.volunteer_id,
                Placement.status == PlacementStatus.ACTIVE,
            ),
        )
        .join(
            role_courses,
            and_(
                role_courses.c.role_id == Placement.role_id,
                role_courses.c.course_id == TrainingRecord.course_id,
            ),
        )
        .join(Role, Role.id == Placement.role_id)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .where(TrainingRecord.id.in_(records))
        .order_by(TrainingRecord.id, Role.title, Role.id)
    )
    needing: dict[int, list[ActiveRole]] = defaultdict(list)
    for record_id, placement_id, title, org_id, org_name in rows:
        needing[record_id].append(ActiveRole(placement_id, title, org_id, org_name, None))
    return needing


# --- Checks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckDue:
    check: Check
    due: date
    stage: int
    roles: list[ActiveRole]  # the roles whose DBS requirement this check is the one to meet


def checks_due(today: date, recheck_months: int) -> list[CheckDue]:
    """Checks of active accounts falling due within the first stage, not renewed (no other
    check of the kind covering the same level falls due later), soonest first."""
    pairs, held = _unrenewed_checks(today, recheck_months, STAGES[0])
    roles = _roles_needing_dbs({check.volunteer_id for check, _ in pairs})
    found = []
    for check, due in pairs:
        stage = stage_due(due, today)
        if stage is None:
            continue
        deciding = [
            role
            for role in roles[check.volunteer_id]
            if _decides(check, due, role.need or "", held[check.volunteer_id])
        ]
        found.append(CheckDue(check, due, stage, deciding))
    return found


def checks_falling_due(
    today: date, recheck_months: int, within: int = LIST_DAYS
) -> list[tuple[Check, date]]:
    """For staff: checks of active accounts falling due from today to `within` days ahead,
    not renewed, soonest first, each with its renewal date and its volunteer loaded."""
    return _unrenewed_checks(today, recheck_months, within)[0]


def _unrenewed_checks(
    today: date, recheck_months: int, within: int
) -> tuple[list[tuple[Check, date]], dict[int, list[tuple[Check, date]]]]:
    """The checks falling due from today to `within` days ahead and not renewed, soonest
    first, with every check of their volunteers (for deciding which role each one serves)."""
    base = case(
        (
            and_(Check.update_service, Check.last_status_check_on.is_not(None)),
            Check.last_status_check_on,
        ),
        else_=Check.issued_on,
    )
    # A few days' margin either side: the exact dates are worked out below.
    earliest = add_months(today, -recheck_months) - timedelta(days=3)
    latest = add_months(today + timedelta(days=within), -recheck_months) + timedelta(days=3)
    candidates = db.session.scalars(
        select(Check)
        .join(User, User.id == Check.volunteer_id)
        .where(base >= earliest, base <= latest, User.active, User.deleted_at.is_(None))
        .options(contains_eager(Check.volunteer))
        .order_by(Check.id)
    ).all()
    held: dict[int, list[tuple[Check, date]]] = defaultdict(list)
    if not candidates:
        return [], held
    volunteer_ids = {check.volunteer_id for check in candidates}
    for check in db.session.scalars(select(Check).where(Check.volunteer_id.in_(volunteer_ids))):
        held[check.volunteer_id].append((check, renewal_date(check, recheck_months)))
    pairs = []
    for check in candidates:
        due = renewal_date(check, recheck_months)
        if today <= due <= today + timedelta(days=within) and not _renewed_check(
            check, due, held[check.volunteer_id]
        ):
            pairs.append((check, due))
    pairs.sort(key=lambda pair: (pair[1], pair[0].id))
    return pairs, held


def _accepted(level: str) -> frozenset[CheckLevel]:
    """The levels of check that meet `level` (none for a level the hub does not know)."""
    try:
        return SATISFIES[CheckLevel(level)]
    except ValueError:
        return frozenset()


def _renewed_check(check: Check, due: date, held: list[tuple[Check, date]]) -> bool:
    covering = _accepted(check.level)
    return any(
        other.id != check.id
        and other.kind == check.kind
        and other.level in covering
        and later > due
        for other, later in held
    )


def _decides(check: Check, due: date, need: str, held: list[tuple[Check, date]]) -> bool:
    """Whether `check` is the DBS check meeting a role's `need` that lasts longest."""
    accepted = _accepted(need)
    if check.kind != CheckKind.DBS or check.level not in accepted:
        return False
    return not any(
        other.id != check.id
        and other.kind == CheckKind.DBS
        and other.level in accepted
        and later > due
        for other, later in held
    )


def _roles_needing_dbs(volunteer_ids: Iterable[int]) -> dict[int, list[ActiveRole]]:
    rows = db.session.execute(
        select(
            Placement.id,
            Placement.volunteer_id,
            Role.title,
            Organisation.id,
            Organisation.name,
            Role.dbs_level,
        )
        .join(Role, Role.id == Placement.role_id)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .where(
            Placement.volunteer_id.in_(list(volunteer_ids)),
            Placement.status == PlacementStatus.ACTIVE,
            Role.dbs_level.is_not(None),
        )
        .order_by(Role.title, Role.id)
    )
    roles: dict[int, list[ActiveRole]] = defaultdict(list)
    for placement_id, volunteer_id, title, org_id, org_name, need in rows:
        if volunteer_id is not None:
            roles[volunteer_id].append(ActiveRole(placement_id, title, org_id, org_name, need))
    return roles


# --- Who coordinates ---------------------------------------------------------------------------


def coordinators_of(organisation_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """For each organisation, the active accounts that help run it (manage or coordinate)."""
    ids = set(organisation_ids)
    people: dict[int, list[Recipient]] = defaultdict(list)
    if not ids:
        return people
    rows = db.session.execute(
        select(Membership.organisation_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(ids), User.active, User.deleted_at.is_(None))
        .order_by(User.id)
    )
    for organisation_id, user in rows:
        people[organisation_id].append(Recipient.of(user))
    return people


def by_coordinator(
    roles: list[ActiveRole], coordinators: dict[int, list[Recipient]], volunteer_id: int
) -> list[tuple[Recipient, list[ActiveRole]]]:
    """Each coordinator of `roles` with the roles they coordinate (never the volunteer)."""
    grouped: dict[Recipient, list[ActiveRole]] = {}
    for role in roles:
        for person in coordinators.get(role.organisation_id, []):
            if person.id != volunteer_id:
                grouped.setdefault(person, []).append(role)
    return list(grouped.items())


# --- Gaps in required training ------------------------------------------------------------------


def gaps(today: date) -> Select[int, int, str, str, str, str, str]:
    """Active volunteers and the courses their role requires that they hold no counting
    record of: a row for each volunteer, role and course, by volunteer, role and course."""
    held = exists().where(
        TrainingRecord.volunteer_id == Placement.volunteer_id,
        TrainingRecord.course_id == Course.id,
        counting(today),
    )
    return (
        select(
            Placement.id.label("placement_id"),
            User.id.label("volunteer_id"),
            User.name.label("volunteer"),
            User.email.label("email"),
            Role.title.label("role"),
            Organisation.name.label("organisation"),
            Course.title.label("course"),
        )
        .select_from(Placement)
        .join(User, User.id == Placement.volunteer_id)
        .join(Role, Role.id == Placement.role_id)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .join(role_courses, role_courses.c.role_id == Role.id)
        .join(Course, Course.id == role_courses.c.course_id)
        .where(
            Placement.status == PlacementStatus.ACTIVE,
            User.active,
            User.deleted_at.is_(None),
            ~held,
        )
        .order_by(User.name, User.id, Role.title, Role.id, Course.title, Course.id)
    )


def count_gaps(today: date) -> int:
    query = select(func.count()).select_from(gaps(today).order_by(None).subquery())
    return int(db.session.execute(query).scalar_one())
