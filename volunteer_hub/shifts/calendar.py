"""iCalendar documents of shifts, for a single download and the private feed.

Times are written in UTC (`...Z`), which every calendar turns into the reader's own local
time, so a 10:00 shift is 10:00 in London either side of the clocks changing.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from icalendar import Calendar, Event

from ..database import utcnow
from ..urls import external_url
from .models import Shift


def shifts_calendar(shifts: Iterable[Shift], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Volunteer Hub//Shifts//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = current_app.config["HUB_BASE_URL"].split("//", 1)[-1].split("/", 1)[0]
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.id}@{host}")
        event.add("dtstamp", utcnow())
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{shift.role.title} ({shift.role.organisation.name})")
        event.add("url", external_url("roles.detail", slug=shift.role.slug))
        where = shift.role.address or (shift.role.locality.name if shift.role.locality else "")
        if where:
            event.add("location", where)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
