"""The insurance reminder job: managers hear 30 days before an approved organisation's public
liability insurance expires, hub staff 7 days before (or once it has expired), once per
expiry date each, so a renewed date gets reminders of its own."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..mail import queue_email
from ..reminders import claim_reminder
from ..urls import external_url
from .models import Organisation, OrganisationStatus
from .queries import hub_staff
from .services import managers

MANAGERS_DAYS = 30
STAFF_DAYS = 7


def _expiring(horizon: date) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.status == OrganisationStatus.APPROVED,
                Organisation.insurance_held,
                Organisation.insurance_expires_on.is_not(None),
                Organisation.insurance_expires_on <= horizon,
            )
            .order_by(Organisation.insurance_expires_on, Organisation.id)
        )
    )


def _tell(
    people: list[User], template: str, organisation: Organisation, expires_on: date, today: date
) -> None:
    for person in people:
        queue_email(
            person.email,
            template,
            recipient_id=person.id,
            name=person.name,
            organisation=organisation.name,
            expires_on=expires_on,
            expired=expires_on < today,
            edit_url=external_url("organisations.edit", slug=organisation.slug),
            review_url=external_url("organisations.review", slug=organisation.slug),
        )


def remind_insurance_expiry() -> str:
    """Send the reminders due today (the hub's local date); each is claimed with its email
    in one transaction per organisation, so a second run sends nothing new."""
    today = local_today()
    staff: list[User] | None = None
    told_managers = told_staff = 0
    for organisation in _expiring(today + timedelta(days=MANAGERS_DAYS)):
        expires_on = organisation.insurance_expires_on
        if expires_on is None:  # left out by the query; here for the type checker
            continue
        period = expires_on.isoformat()
        people = managers(organisation)
        if people and claim_reminder("insurance-expiry", organisation.id, period):
            _tell(people, "organisation_insurance_reminder", organisation, expires_on, today)
            told_managers += 1
        if expires_on <= today + timedelta(days=STAFF_DAYS):
            staff = hub_staff() if staff is None else staff
            if staff and claim_reminder("insurance-expiry-staff", organisation.id, period):
                _tell(staff, "organisation_insurance_staff", organisation, expires_on, today)
                told_staff += 1
        db.session.commit()
    return (
        f"reminded the managers of {told_managers} organisations and hub staff about {told_staff}"
    )
