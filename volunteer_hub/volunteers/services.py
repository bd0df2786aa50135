"""Profile changes and checks (the rules); account export and erasure live in `privacy`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit.services import record_event
from ..auth.models import User
from ..clock import add_months
from ..database import utcnow
from ..extensions import db
from ..periods import PERIOD_SLUGS
from ..reference.models import Category, Locality, Skill
from ..reference.services import items_by_ids
from .models import Availability, Check, VolunteerProfile


@dataclass(frozen=True)
class ProfileData:
    phone: str | None
    postcode: str | None
    locality_id: int | None
    date_of_birth: date | None
    employer: str | None
    skill_ids: list[int]
    interest_ids: list[int]
    periods: list[str]
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    emergency_contact_relationship: str | None
    contact_by_email: bool
    contact_by_sms: bool
    marketing: bool


def profile_for(user: User) -> VolunteerProfile:
    """The user's profile, or a blank one (not added to the session) if they have none yet."""
    return user.profile or VolunteerProfile(contact_by_email=True, contact_by_sms=False)


def update_profile(user: User, data: ProfileData) -> VolunteerProfile:
    profile = user.profile
    if profile is None:
        profile = VolunteerProfile(user=user)
        db.session.add(profile)
    profile.phone = data.phone
    profile.postcode = data.postcode
    locality = db.session.get(Locality, data.locality_id) if data.locality_id else None
    profile.locality = locality if locality is not None and locality.active else None
    profile.date_of_birth = data.date_of_birth
    profile.employer = (data.employer or "").strip() or None
    profile.skills = items_by_ids(Skill, data.skill_ids)
    profile.interests = items_by_ids(Category, data.interest_ids)
    wanted = set(data.periods) & PERIOD_SLUGS
    profile.availability = [slot for slot in profile.availability if slot.period in wanted] + [
        Availability(period=slug) for slug in sorted(wanted - profile.period_slugs)
    ]
    profile.emergency_contact_name = (data.emergency_contact_name or "").strip() or None
    profile.emergency_contact_phone = data.emergency_contact_phone
    profile.emergency_contact_relationship = (
        data.emergency_contact_relationship or ""
    ).strip() or None
    profile.contact_by_email = data.contact_by_email
    profile.contact_by_sms = data.contact_by_sms
    if data.marketing and profile.marketing_consent_at is None:
        profile.marketing_consent_at = utcnow()
        record_event("consent.marketing_given", actor=user, subject=user)
    elif not data.marketing and profile.marketing_consent_at is not None:
        profile.marketing_consent_at = None
        record_event("consent.marketing_withdrawn", actor=user, subject=user)
    db.session.flush()
    return profile


@dataclass(frozen=True)
class CheckData:
    kind: str
    level: str
    certificate_number: str
    issued_on: date
    update_service: bool
    last_status_check_on: date | None


def record_check(
    volunteer: User, data: CheckData, staff: User, check: Check | None = None
) -> Check:
    """Add or correct a check record; staff only (the view enforces it), always audited."""
    created = check is None
    check = check or Check(volunteer=volunteer)
    check.kind = data.kind
    check.level = data.level
    check.certificate_number = data.certificate_number.strip().upper()
    check.issued_on = data.issued_on
    check.update_service = data.update_service
    check.last_status_check_on = data.last_status_check_on
    check.checked_by = staff
    db.session.add(check)
    db.session.flush()
    record_event(
        "check.recorded" if created else "check.corrected",
        actor=staff,
        subject=volunteer,  # about the volunteer, so it is in their data export
        check_id=check.id,
        kind=data.kind,
        level=data.level,
    )
    return check


def renewal_base(check: Check) -> date:
    """The day the re-check period runs from: the certificate's issue, or for a check on the
    Update Service its last status check (the issue when none is recorded)."""
    if check.update_service and check.last_status_check_on is not None:
        return check.last_status_check_on
    return check.issued_on


def renewal_date(check: Check, recheck_months: int) -> date:
    """When a check falls due for renewal under the hub's re-check policy: `recheck_months`
    (the admin setting `dbs_recheck_months`) after `renewal_base`."""
    return add_months(renewal_base(check), recheck_months)


def checks_for(volunteer: User) -> list[Check]:
    return list(
        db.session.scalars(
            select(Check)
            .where(Check.volunteer_id == volunteer.id)
            .options(selectinload(Check.checked_by))
            .order_by(Check.issued_on.desc())
        )
    )
