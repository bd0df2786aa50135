"""Training done elsewhere: a volunteer submits it with evidence for staff to verify or reject,
or staff record it straight away. Only verified records count (see `records.py`)."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath

from sqlalchemy import func, select, update
from werkzeug.utils import secure_filename

from ..audit.services import record_event
from ..auth.models import User
from ..certificates.services import issue_for_training
from ..clock import local_today
from ..database import utcnow
from ..extensions import db
from ..files import StoredFile, evidence_kind
from ..mail import queue_email
from ..urls import external_url
from .models import Course, RecordSource, RecordStatus, TrainingRecord
from .records import expiry_date
from .services import TrainingRefused

MY_TRAINING = "training.mine"  # the volunteer's own training page
NAME_LENGTH = 100


class ReasonNeeded(TrainingRefused):
    """A rejection without a reason: the volunteer must be told why."""


def submit_training(
    volunteer: User, course: Course, completed_on: date, filename: str, data: bytes, note: str
) -> TrainingRecord:
    """A pending record with its evidence stored. The file's type is what its bytes are
    (`evidence_kind` raises `UploadRefused` otherwise), never what the browser said."""
    _check_course_and_day(course, completed_on)
    if _pending_exists(volunteer, course):
        raise TrainingRefused(
            f"You have already sent evidence of “{course.title}”. "
            "We will email you when the hub has checked it."
        )
    kind = evidence_kind(data)
    stem = secure_filename(PurePath(filename).stem)[:NAME_LENGTH] or "evidence"
    evidence = StoredFile(
        owner_id=volunteer.id,
        filename=f"{stem}.{kind.extension}",
        content_type=kind.content_type,
        size=len(data),
        data=data,
    )
    record = TrainingRecord(
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        expires_on=expiry_date(course, completed_on),
        source=RecordSource.SUBMITTED,
        status=RecordStatus.PENDING,
        evidence=evidence,
        note=note.strip(),
    )
    db.session.add(record)
    db.session.flush()
    record_event(
        "training.submitted",
        actor=volunteer,
        subject=record,
        volunteer_id=volunteer.id,
        course_id=course.id,
        file_id=evidence.id,
    )
    return record


def record_elsewhere(
    volunteer: User, course: Course, completed_on: date, actor: User, note: str
) -> TrainingRecord:
    """Staff record training the volunteer did elsewhere: verified at once, by `actor`."""
    _check_course_and_day(course, completed_on)
    if _already_recorded(volunteer, course, completed_on):
        raise TrainingRefused(
            f"{volunteer.name} already has {course.title} recorded as done on "
            f"{completed_on:%-d %B %Y}."
        )
    record = TrainingRecord(
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        expires_on=expiry_date(course, completed_on),
        source=RecordSource.RECORDED,
        status=RecordStatus.VERIFIED,
        note=note.strip(),
        recorded_by=actor,
        decided_by=actor,
        decided_at=utcnow(),
    )
    db.session.add(record)
    issue_for_training(record)
    record_event(
        "training.recorded",
        actor=actor,
        subject=record,
        volunteer_id=volunteer.id,
        course_id=course.id,
    )
    return record


def verify_record(record: TrainingRecord, actor: User) -> None:
    """Accept a pending submission: from now it counts. The volunteer is emailed."""
    _decide(record, actor, RecordStatus.VERIFIED, "")


def reject_record(record: TrainingRecord, actor: User, reason: str) -> None:
    """Turn down a pending submission, telling the volunteer why."""
    reason = reason.strip()
    if not reason:
        raise ReasonNeeded("Enter the reason, so the volunteer knows what to do next")
    _decide(record, actor, RecordStatus.REJECTED, reason)


def can_download(user: User, record: TrainingRecord) -> bool:
    """The record's own volunteer and hub staff may see its evidence; nobody else."""
    if user.is_staff:
        return True
    return record.volunteer_id is not None and record.volunteer_id == user.id


def _decide(record: TrainingRecord, actor: User, status: RecordStatus, reason: str) -> None:
    """One conditional update, so that of two staff deciding at once only the first counts."""
    decided_at = utcnow()
    result = db.session.execute(
        update(TrainingRecord)
        .where(TrainingRecord.id == record.id, TrainingRecord.status == RecordStatus.PENDING)
        .values(status=status, reject_reason=reason, decided_by_id=actor.id, decided_at=decided_at)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise TrainingRefused("This record has already been decided. Nothing was changed.")
    db.session.refresh(record, ["status", "reject_reason", "decided_by_id", "decided_at"])
    issue_for_training(record)
    record_event(
        f"training.{status}",
        actor=actor,
        subject=record,
        volunteer_id=record.volunteer_id,
        course_id=record.course_id,
    )
    _tell_volunteer(record)


def _tell_volunteer(record: TrainingRecord) -> None:
    volunteer = record.volunteer
    if volunteer is None:  # the account has been erased
        return
    queue_email(
        volunteer.email,
        "training_record_decided",
        recipient_id=volunteer.id,
        name=volunteer.name,
        course=record.course.title,
        completed_on=record.completed_on,
        expires_on=record.expires_on,
        verified=record.status == RecordStatus.VERIFIED,
        reason=record.reject_reason,
        url=external_url(MY_TRAINING),
    )


def _check_course_and_day(course: Course, completed_on: date) -> None:
    if course.archived:
        raise TrainingRefused(f"“{course.title}” is no longer offered. Choose another course.")
    if completed_on > local_today():
        raise TrainingRefused("The date completed must be today or in the past")


def _already_recorded(volunteer: User, course: Course, completed_on: date) -> bool:
    found = db.session.scalar(
        select(func.count())
        .select_from(TrainingRecord)
        .where(
            TrainingRecord.volunteer_id == volunteer.id,
            TrainingRecord.course_id == course.id,
            TrainingRecord.completed_on == completed_on,
            TrainingRecord.status == RecordStatus.VERIFIED,
        )
    )
    return bool(found)


def _pending_exists(volunteer: User, course: Course) -> bool:
    return (
        db.session.scalar(
            select(TrainingRecord.id)
            .where(
                TrainingRecord.volunteer_id == volunteer.id,
                TrainingRecord.course_id == course.id,
                TrainingRecord.status == RecordStatus.PENDING,
            )
            .limit(1)
        )
        is not None
    )


def count_waiting() -> int:
    """Submissions waiting for staff to check."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(TrainingRecord)
            .where(TrainingRecord.status == RecordStatus.PENDING)
        )
        or 0
    )
