"""Training in the account export, and its erasure: bookings, records, the certificates
people sent in (returned whole) and the sessions they run."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.orm import selectinload, undefer

from ..auth.models import User
from ..database import utcnow
from ..exporting import columns, owned, plain
from ..extensions import db
from ..files import StoredFile
from .models import (
    HOLDING,
    BookingStatus,
    RecordStatus,
    TrainingBooking,
    TrainingRecord,
    TrainingSession,
    session_runners,
)
from .services import OPEN, offer_free_places


def training_sections(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's training bookings and records, the certificates they sent in (their
    contents too, so they get their files back) and the sessions they run."""
    bookings = db.session.scalars(
        select(TrainingBooking)
        .where(TrainingBooking.volunteer_id == user.id)
        .options(selectinload(TrainingBooking.session).selectinload(TrainingSession.course))
        .order_by(TrainingBooking.id)
    )
    records = db.session.scalars(
        select(TrainingRecord)
        .where(TrainingRecord.volunteer_id == user.id)
        .options(
            selectinload(TrainingRecord.course),
            selectinload(TrainingRecord.evidence),
            selectinload(TrainingRecord.recorded_by),
            selectinload(TrainingRecord.decided_by),
        )
        .order_by(TrainingRecord.id)
    )
    run = db.session.scalars(
        select(TrainingSession)
        .join(session_runners, session_runners.c.session_id == TrainingSession.id)
        .where(session_runners.c.user_id == user.id)
        .options(selectinload(TrainingSession.course))
        .order_by(TrainingSession.starts_at)
    )
    return {
        "training_bookings": [
            columns(
                b, ["id", "status", "waitlisted_at", "offer_expires_at", "created_at", "changed_at"]
            )
            | _session_columns(b.session, with_venue=b.status in HOLDING)
            for b in bookings
        ],
        "training_records": [_record_section(record) for record in records],
        "evidence_files": [
            columns(f, ["id", "filename", "content_type", "size", "created_at"])
            | {"content_base64": base64.b64encode(f.data).decode("ascii")}
            for f in db.session.scalars(
                select(StoredFile)
                .where(_evidence_of(user))
                .options(undefer(StoredFile.data))
                .order_by(StoredFile.id)
            )
        ],
        "training_sessions_run": [_session_columns(session, with_venue=True) for session in run],
    }


def _evidence_of(user: User) -> Any:
    """The files the person uploaded, and any certificate on their training records."""
    on_records = select(TrainingRecord.evidence_id).where(TrainingRecord.volunteer_id == user.id)
    return or_(StoredFile.owner_id == user.id, StoredFile.id.in_(on_records.scalar_subquery()))


def _session_columns(session: TrainingSession, *, with_venue: bool) -> dict[str, Any]:
    """A session; its venue only for people with a place (or running it), as on its page."""
    return {
        "session_id": session.id,
        "course": session.course.title,
        "starts_at": plain(session.starts_at),
        "ends_at": plain(session.ends_at),
        "venue": session.venue if with_venue else "",
    }


def _record_section(record: TrainingRecord) -> dict[str, Any]:
    """A training record, with the words staff wrote about it and who wrote them."""
    return columns(
        record,
        ["id", "completed_on", "expires_on", "source", "status", "note", "reject_reason"]
        + ["decided_at", "created_at"],
    ) | {
        "course": record.course.title,
        "evidence_file_id": record.evidence_id,
        "evidence_filename": record.evidence.filename if record.evidence else None,
        "recorded_by": record.recorded_by.name if record.recorded_by else None,
        "decided_by": record.decided_by.name if record.decided_by else None,
    }


def erase_training(user: User) -> None:
    """Delete the person's certificates; keep their training records and bookings only as
    anonymous figures; cancel their open bookings, offering each freed place to the next
    person waiting; stop them running sessions."""
    now = utcnow()
    freed: dict[int, TrainingSession] = {}
    for booking in owned(TrainingBooking, TrainingBooking.volunteer_id, user):
        if booking.status in OPEN:
            if booking.status in HOLDING:
                freed[booking.session_id] = booking.session
            booking.status, booking.changed_at = BookingStatus.CANCELLED, now
            booking.offer_expires_at = None
        booking.volunteer_id = None
    db.session.flush()
    for session in freed.values():
        offer_free_places(session)
    db.session.execute(
        delete(StoredFile).where(_evidence_of(user)).execution_options(synchronize_session=False)
    )  # the database empties `evidence_id` on any other record that pointed at them
    db.session.execute(
        update(TrainingRecord)
        .where(TrainingRecord.volunteer_id == user.id)
        .values(
            volunteer_id=None,
            evidence_id=None,
            note="",
            reject_reason="",
            # nobody is left to check a submission for: it leaves the staff queue
            status=case(
                (TrainingRecord.status == RecordStatus.PENDING, RecordStatus.REJECTED.value),
                else_=TrainingRecord.status,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(session_runners).where(session_runners.c.user_id == user.id))
    db.session.flush()
