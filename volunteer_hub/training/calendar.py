"""Training sessions as calendar events."""

from __future__ import annotations

from ..shifts.calendar import CalendarEntry
from ..urls import external_url
from .models import TrainingSession


def session_entry(session: TrainingSession, *, booked: bool) -> CalendarEntry:
    """The venue and joining link go only into a booked person's calendar."""
    course = session.course
    if booked:
        location = session.venue or session.online_link
    else:
        location = session.locality.name if session.locality else ""
    return CalendarEntry(
        key=f"training-{session.id}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Training: {course.title}",
        url=external_url("training.session", session_id=session.id),
        location=location,
    )
