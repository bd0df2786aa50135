"""iCalendar documents of shifts and training sessions, for a single download and the
private feed.

Times are written in UTC (`...Z`), which every calendar turns into the reader's own local
time, so a 10:00 shift is 10:00 in London either side of the clocks changing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from icalendar import Calendar, Event

from ..database import utcnow
from ..urls import external_url
from .models import Shift


@dataclass(frozen=True)
class CalendarEntry:
    """One event: `key` is unique within its kind (`shift-12`, `training-3`)."""

    key: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    url: str
    location: str = ""


def shift_entry(shift: Shift) -> CalendarEntry:
    role = shift.role
    return CalendarEntry(
        key=f"shift-{shift.id}",
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        summary=f"{role.title} ({role.organisation.name})",
        url=external_url("roles.detail", slug=role.slug),
        location=role.address or (role.locality.name if role.locality else ""),
    )


def calendar_document(entries: Iterable[CalendarEntry], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Volunteer Hub//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = current_app.config["HUB_BASE_URL"].split("//", 1)[-1].split("/", 1)[0]
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.key}@{host}")
        event.add("dtstamp", utcnow())
        event.add("dtstart", entry.starts_at)
        event.add("dtend", entry.ends_at)
        event.add("summary", entry.summary)
        event.add("url", entry.url)
        if entry.location:
            event.add("location", entry.location)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
