"""Factory functions that return saved objects, with realistic defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from volunteer_hub.auth.models import AccessLevel, User
from volunteer_hub.auth.passwords import hash_password
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db
from volunteer_hub.hours import services as hours_services
from volunteer_hub.hours.models import HoursEntry
from volunteer_hub.organisations.models import Membership, MembershipLevel, Organisation
from volunteer_hub.placements.models import Placement, PlacementEvent
from volunteer_hub.reference.models import Category, Locality, Skill
from volunteer_hub.reports.models import ValueRate
from volunteer_hub.roles.models import Role, RolePeriod
from volunteer_hub.roles.search import refresh_search_entry
from volunteer_hub.training.models import (
    Course,
    RecordSource,
    RecordStatus,
    TrainingRecord,
    TrainingSession,
)
from volunteer_hub.volunteers.models import Check, CheckKind, CheckLevel, VolunteerProfile

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(
    *,
    name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    access_level: AccessLevel = AccessLevel.MEMBER,
    verified: bool = True,
    profile: bool = True,
    **profile_fields: Any,
) -> User:
    number = next(_numbers)
    user = User(
        name=name or f"Volunteer {number}",
        email=email or f"person{number}@example.org",
        password_hash=hash_password(password),
        access_level=access_level,
        email_verified_at=utcnow() if verified else None,
        privacy_accepted_at=utcnow(),
    )
    db.session.add(user)
    if profile:
        fields = {"postcode": "SK1 3XE", "contact_by_email": True, "contact_by_sms": False}
        db.session.add(VolunteerProfile(user=user, **(fields | profile_fields)))
    db.session.commit()
    return user


def make_staff(**kwargs: Any) -> User:
    return make_user(access_level=AccessLevel.STAFF, profile=False, **kwargs)


def make_admin(**kwargs: Any) -> User:
    return make_user(access_level=AccessLevel.ADMIN, profile=False, **kwargs)


def _reference(model: Any, name: str | None, **fields: Any) -> Any:
    number = next(_numbers)
    name = name or f"{model.__name__} {number}"
    item = model(name=name, slug=f"{model.__name__.lower()}-{number}", **fields)
    db.session.add(item)
    db.session.commit()
    return item


def make_locality(name: str | None = None) -> Locality:
    return _reference(Locality, name)  # type: ignore[no-any-return]


def make_category(name: str | None = None) -> Category:
    return _reference(Category, name)  # type: ignore[no-any-return]


def make_skill(name: str | None = None) -> Skill:
    number = next(_numbers)
    return _reference(Skill, name, iri=f"https://ns.volunteeringdata.io/TestSkill{number}")  # type: ignore[no-any-return]


def make_check(volunteer: User, checked_by: User | None = None, **fields: Any) -> Check:
    defaults = {
        "kind": CheckKind.DBS,
        "level": CheckLevel.ENHANCED,
        "certificate_number": "001234567890",
        "issued_on": date(2025, 3, 14),
        "update_service": True,
    }
    check = Check(volunteer=volunteer, checked_by=checked_by, **(defaults | fields))
    db.session.add(check)
    db.session.commit()
    return check


def make_organisation(
    *,
    name: str | None = None,
    status: str = "approved",
    kind: str = "charity",
    manager: User | None = None,
    coordinators: tuple[User, ...] = (),
    **fields: Any,
) -> Organisation:
    """An organisation (approved unless told), with `manager` managing it if given."""
    number = next(_numbers)
    name = name or f"Friends of Park {number}"
    defaults = {
        "contact_email": f"hello{number}@org.example",
        "description": "Looking after the park and its wildlife with local volunteers.",
        "safeguarding_policy": True,
        "safeguarding_lead_name": "Pat Lead",
        "insurance_held": True,
        "insurance_expires_on": date(2027, 3, 31),
    }
    organisation = Organisation(
        name=name, slug=f"organisation-{number}", kind=kind, status=status, **(defaults | fields)
    )
    db.session.add(organisation)
    if manager is not None:
        db.session.add(
            Membership(organisation=organisation, user=manager, level=MembershipLevel.MANAGE)
        )
    for coordinator in coordinators:
        db.session.add(
            Membership(
                organisation=organisation, user=coordinator, level=MembershipLevel.COORDINATE
            )
        )
    db.session.commit()
    return organisation


def make_role(
    organisation: Organisation | None = None,
    *,
    title: str | None = None,
    status: str = "published",
    category: Category | None = None,
    periods: tuple[str, ...] = (),
    **fields: Any,
) -> Role:
    """A role (published unless told), indexed for search as the services would."""
    number = next(_numbers)
    organisation = organisation or make_organisation()
    category = category or make_category()
    title = title or f"Volunteer role {number}"
    defaults = {
        "summary": "Help out with friendly people.",
        "description": "You will **help** where it is needed.",
        "commitment": "regular",
        "commitment_text": "3 hours a week",
        "places": 5,
        "published_at": utcnow() if status == "published" else None,
    }
    role = Role(
        organisation=organisation,
        title=title,
        slug=f"role-{number}",
        category=category,
        status=status,
        **(defaults | fields),
    )
    role.periods = [RolePeriod(period=period) for period in periods]
    db.session.add(role)
    db.session.flush()
    refresh_search_entry(role)
    db.session.commit()
    return role


def make_course(
    organisation: Organisation | None = None, *, title: str | None = None, **fields: Any
) -> Course:
    """A course (the hub's unless `organisation` is given), valid for three years."""
    defaults = {
        "description": "What every volunteer needs to know.",
        "duration_minutes": 180,
        "validity_months": 36,
    }
    course = Course(
        organisation=organisation,
        title=title or f"Safeguarding essentials {next(_numbers)}",
        **(defaults | fields),
    )
    db.session.add(course)
    db.session.commit()
    return course


def make_session(
    course: Course | None = None,
    *,
    starts_at: datetime | None = None,
    runners: tuple[User, ...] = (),
    **fields: Any,
) -> TrainingSession:
    """A three-hour session a week from now (unless told), in a venue, with 10 places."""
    course = course or make_course()
    starts_at = starts_at or utcnow().replace(microsecond=0) + timedelta(days=7)
    defaults = {"venue": "Stockport Central Library, Wellington Road South", "places": 10}
    session = TrainingSession(
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        runners=list(runners),
        **(defaults | fields),
    )
    db.session.add(session)
    db.session.commit()
    return session


def make_record(
    volunteer: User, course: Course, *, completed_on: date, **fields: Any
) -> TrainingRecord:
    """A verified record of `course` done on `completed_on`, expiring with its validity."""
    from volunteer_hub.training.records import expiry_date

    defaults = {
        "expires_on": expiry_date(course, completed_on),
        "source": RecordSource.RECORDED,
        "status": RecordStatus.VERIFIED,
    }
    record = TrainingRecord(
        volunteer=volunteer, course=course, completed_on=completed_on, **(defaults | fields)
    )
    db.session.add(record)
    db.session.commit()
    return record


def make_placement(
    role: Role | None = None,
    volunteer: User | None = None,
    *,
    approved_at: datetime | None = None,
    status: str = "approved",
) -> Placement:
    """A placement approved at `approved_at` (a year ago unless told), with its timeline."""
    approved_at = approved_at or utcnow() - timedelta(days=365)
    placement = Placement(
        role=role or make_role(),
        volunteer=volunteer or make_user(),
        status=status,
        decided_at=approved_at,
        status_changed_at=approved_at,
        created_at=approved_at - timedelta(days=3),
    )
    placement.events = [
        PlacementEvent(status="applied", created_at=approved_at - timedelta(days=3)),
        PlacementEvent(status="approved", previous="applied", created_at=approved_at),
    ]
    db.session.add(placement)
    db.session.commit()
    return placement


def make_hours(
    placement: Placement,
    worked_on: date,
    quarters: int = 8,
    *,
    status: str = "pending",
    message: str = "Please check",
) -> HoursEntry:
    """Hours the placement's volunteer logged, then decided by hub staff as `status` says,
    through the services, so the rollups and milestones stay in step."""
    assert placement.volunteer is not None
    entry = hours_services.log_hours(
        placement, worked_on, quarters, "Helped out", placement.volunteer, worked_on
    )
    if status != "pending":
        decision = {"approved": "approve", "queried": "query", "rejected": "reject"}[status]
        hours_services.decide(entry, decision, _hours_verifier(), message)
    db.session.commit()
    return entry


def _hours_verifier() -> User:
    verifier = db.session.scalar(select(User).where(User.email == "hours.verifier@example.org"))
    return verifier or make_staff(name="Vera Verifier", email="hours.verifier@example.org")


def make_value_rate(
    valid_from: date = date(2025, 11, 1),
    pence_per_hour: int = 1345,
    source: str = "Real Living Wage 2025-26 (Living Wage Foundation), outside London",
) -> ValueRate:
    rate = ValueRate(valid_from=valid_from, pence_per_hour=pence_per_hour, source=source)
    db.session.add(rate)
    db.session.commit()
    return rate
