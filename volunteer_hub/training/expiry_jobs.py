"""Scheduled job of the training feature: reminders before training records run out and
before checks (DBS and the others) fall due for renewal.

Each reminder (a record or check, its date, the stage) is claimed once, in the transaction
that queues its emails, so repeated or simultaneous runs send it once. Who hears:

- training: the volunteer, and the coordinators of the roles they are active on that
  require the course;
- checks: the volunteer, hub staff (who hold the checks), and the coordinators of roles
  they are active on whose DBS requirement the check meets; coordinators learn only the
  renewal date, never the check's details.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..mail import queue_email
from ..organisations.queries import hub_staff
from ..reference.settings import setting_int
from ..reminders import ReminderClaim, claim_reminder
from ..urls import external_url
from ..volunteers.models import CheckKind
from . import expiry
from .evidence import MY_TRAINING
from .expiry import ActiveRole, Recipient
from .models import TrainingRecord

TRAINING = "training-expiry"
CHECK = "check-renewal"


@dataclass(frozen=True)
class Reminder:
    """One reminder to send, in plain values (objects expire at each commit)."""

    kind: str
    subject_id: int
    day: date
    stage: int
    volunteer: Recipient
    what: str
    coordinators: list[tuple[Recipient, list[ActiveRole]]]
    details: dict[str, Any]

    @property
    def period(self) -> str:
        return expiry.reminder_period(self.day, self.stage)


def remind_expiring() -> str:
    """Send today's reminders (the hub's local date) of training and checks running out."""
    today = local_today()
    training = _send_all(_training_reminders(today), today)
    checks = _send_all(_check_reminders(today), today)
    return f"reminded about {training} training records and {checks} checks"


def _send_all(reminders: list[Reminder], today: date) -> int:
    db.session.commit()  # end the reading transaction before claiming
    staff: list[Recipient] | None = None
    sent = 0
    for reminder in reminders:
        if not claim_reminder(reminder.kind, reminder.subject_id, reminder.period):
            continue
        if reminder.kind == CHECK:
            staff = [Recipient.of(user) for user in hub_staff()] if staff is None else staff
            _tell_about_check(reminder, staff, today)
        else:
            _tell_about_training(reminder, today)
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent


def _claimed(kind: str, subject_ids: Iterable[int] | Select[Any]) -> set[tuple[int, str]]:
    """The reminders already sent, as `(subject, period)`: skipped before any more work (the
    claim itself still decides)."""
    rows = db.session.execute(
        select(ReminderClaim.subject_id, ReminderClaim.period).where(
            ReminderClaim.kind == kind, ReminderClaim.subject_id.in_(subject_ids)
        )
    )
    return {(subject_id, period) for subject_id, period in rows}


def _training_reminders(today: date) -> list[Reminder]:
    days = expiry.STAGES[0]
    claimed = _claimed(TRAINING, expiry.expiring_ids(today, days))
    due: list[tuple[TrainingRecord, User, date, int]] = []
    for record in db.session.scalars(expiry.expiring(today, days)):
        volunteer, day = record.volunteer, record.expires_on
        if volunteer is None or day is None:  # left out by the query
            continue
        stage = expiry.stage_due(day, today)
        if stage is not None and (record.id, expiry.reminder_period(day, stage)) not in claimed:
            due.append((record, volunteer, day, stage))
    if not due:
        return []
    needing = expiry.roles_needing([record.id for record, *_ in due])
    coordinators = expiry.coordinators_of(
        role.organisation_id for roles in needing.values() for role in roles
    )
    reminders = []
    for record, volunteer, day, stage in due:
        roles = needing.get(record.id, [])
        reminders.append(
            Reminder(
                kind=TRAINING,
                subject_id=record.id,
                day=day,
                stage=stage,
                volunteer=Recipient.of(volunteer),
                what=record.course.title,
                coordinators=expiry.by_coordinator(roles, coordinators, volunteer.id),
                details={"roles": roles},
            )
        )
    return reminders


def _check_reminders(today: date) -> list[Reminder]:
    due = expiry.checks_due(today, setting_int("dbs_recheck_months"))
    claimed = _claimed(CHECK, [item.check.id for item in due])
    due = [
        item
        for item in due
        if (item.check.id, expiry.reminder_period(item.due, item.stage)) not in claimed
    ]
    coordinators = expiry.coordinators_of(
        role.organisation_id for item in due for role in item.roles
    )
    reminders = []
    for item in due:
        check = item.check
        reminders.append(
            Reminder(
                kind=CHECK,
                subject_id=check.id,
                day=item.due,
                stage=item.stage,
                volunteer=Recipient.of(check.volunteer),
                what=check.kind,
                coordinators=expiry.by_coordinator(item.roles, coordinators, check.volunteer_id),
                details={
                    "level": check.level_label,
                    "update_service": check.update_service,
                    "issued_on": check.issued_on,
                    "last_status_check_on": check.last_status_check_on,
                    "is_dbs": check.kind == CheckKind.DBS,
                },
            )
        )
    return reminders


def _when(reminder: Reminder, today: date) -> dict[str, Any]:
    return {"day": reminder.day, "days_left": (reminder.day - today).days}


def _tell_about_training(reminder: Reminder, today: date) -> None:
    volunteer = reminder.volunteer
    queue_email(
        volunteer.email,
        "training_expiry",
        recipient_id=volunteer.id,
        name=volunteer.name,
        course=reminder.what,
        roles=reminder.details["roles"],
        url=external_url(MY_TRAINING),
        **_when(reminder, today),
    )
    for person, roles in reminder.coordinators:
        queue_email(
            person.email,
            "training_expiry_coordinator",
            recipient_id=person.id,
            name=person.name,
            volunteer=volunteer.name,
            course=reminder.what,
            roles=[
                (role, external_url("deciding.review", placement_id=role.placement_id))
                for role in roles
            ],
            **_when(reminder, today),
        )


def _tell_about_check(reminder: Reminder, staff: list[Recipient], today: date) -> None:
    volunteer = reminder.volunteer
    queue_email(
        volunteer.email,
        "check_renewal",
        recipient_id=volunteer.id,
        name=volunteer.name,
        kind=reminder.what,
        update_service=reminder.details["update_service"],
        **_when(reminder, today),
    )
    for person in staff:
        if person.id == volunteer.id:
            continue
        queue_email(
            person.email,
            "check_renewal_staff",
            recipient_id=person.id,
            name=person.name,
            volunteer=volunteer.name,
            kind=reminder.what,
            url=external_url("staff.volunteer", user_id=volunteer.id),
            **reminder.details,
            **_when(reminder, today),
        )
    for person, roles in reminder.coordinators:
        queue_email(
            person.email,
            "check_renewal_coordinator",
            recipient_id=person.id,
            name=person.name,
            volunteer=volunteer.name,
            roles=[
                (role, external_url("deciding.review", placement_id=role.placement_id))
                for role in roles
            ],
            **_when(reminder, today),
        )
