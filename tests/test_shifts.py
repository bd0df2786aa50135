"""Shifts: making them, booking without overbooking or overlapping, cancelling before the
cut-off, attendance, reminders once, and calendars right across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
import time_machine
from icalendar import Calendar

from tests.factories import make_organisation, make_role, make_user
from tests.helpers import outbox, run_together
from volunteer_hub.auth.models import User
from volunteer_hub.extensions import db as _db
from volunteer_hub.placements import services as placements
from volunteer_hub.placements.models import PlacementStatus
from volunteer_hub.shifts import services
from volunteer_hub.shifts.jobs import remind_shifts
from volunteer_hub.shifts.models import BookingStatus, Shift, ShiftBooking

NOW = "2026-11-20 10:00:00+00:00"


@pytest.fixture
def setting(db):
    with time_machine.travel(NOW, tick=False):
        manager = make_user(name="Morgan Manager")
        role = make_role(make_organisation(manager=manager), places=40, title="Orchard helper")
        yield role, manager


def approved(role, manager, **fields) -> User:
    volunteer = make_user(**fields)
    placement = placements.apply(
        role, volunteer, placements.Application(note=""), date(2026, 11, 20)
    )
    placements.decide(placement, "approve", manager)
    _db.session.commit()
    return volunteer


def saturday_shifts(role, manager, weeks=1, places=5, first=date(2026, 11, 28)) -> list[Shift]:
    pattern = services.ShiftPattern(first, time(10), time(13), places, weeks)
    shifts = services.create_shifts(role, pattern, manager)
    _db.session.commit()
    return shifts


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_weekly_pattern_keeps_local_time_across_the_clock_change(setting):
    role, manager = setting
    shifts = saturday_shifts(role, manager, weeks=3, first=date(2027, 3, 20))
    assert [shift.starts_at.astimezone(UTC).hour for shift in shifts] == [10, 10, 9]
    assert [shift.starts_at.date() for shift in shifts][-1] == date(2027, 4, 3)


def test_coordinators_add_shifts_by_form(client, login_as, setting):
    role, manager = setting
    login_as(manager)
    bad = client.post(
        f"/roles/{role.slug}/shifts",
        data={"day": "2026-12-05", "start": "13:00", "end": "10:00", "places": "5", "weeks": "1"},
    )
    assert bad.status_code == 422
    assert "must end after it starts" in bad.get_data(as_text=True)
    made = client.post(
        f"/roles/{role.slug}/shifts",
        data={"day": "2026-12-05", "start": "10:00", "end": "13:00", "places": "5", "weeks": "12"},
    )
    assert made.status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Shift)) == 12


def test_booking_needs_an_approved_application_and_refuses_overlaps(client, login_as, setting):
    role, manager = setting
    (shift,) = saturday_shifts(role, manager)
    stranger = make_user()
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(services.ShiftRefused, match="once your application has been approved"):
            services.book(shift, stranger, moment(NOW))
        volunteer = approved(role, manager)
        services.book(shift, volunteer, moment(NOW))
        with pytest.raises(services.ShiftRefused, match="already booked"):
            services.book(shift, volunteer, moment(NOW))
        other_role = make_role(role.organisation, places=5)
        (clash,) = services.create_shifts(
            other_role,
            services.ShiftPattern(date(2026, 11, 28), time(12), time(14), 5),
            manager,
        )
        placement = placements.apply(
            other_role, volunteer, placements.Application(note=""), date(2026, 11, 20)
        )
        placements.decide(placement, "approve", manager)
        with pytest.raises(services.ShiftRefused, match="another shift booked at that time"):
            services.book(clash, volunteer, moment(NOW))


def test_a_volunteer_books_cancels_and_the_cut_off_holds(client, login_as, setting):
    role, manager = setting
    (shift,) = saturday_shifts(role, manager)
    with time_machine.travel(NOW, tick=False):
        volunteer = approved(role, manager)
        login_as(volunteer)
        booked = client.post(f"/shifts/{shift.id}/book")
        assert booked.status_code == 302
        mine = client.get(booked.headers["Location"]).get_data(as_text=True)
        assert "You are booked" in mine and f"/shifts/{shift.id}.ics" in mine
        booking = _db.session.scalar(sa.select(ShiftBooking))
        assert client.post(f"/bookings/{booking.id}/cancel").status_code == 302
        _db.session.expire_all()
        assert booking.status == BookingStatus.CANCELLED
        assert client.post(f"/shifts/{shift.id}/book").status_code == 302  # again
    with time_machine.travel("2026-11-27 11:00:00+00:00", tick=False):  # 23 hours before
        login_as(_db.session.get(User, volunteer.id))
        late = _db.session.scalar(
            sa.select(ShiftBooking).where(ShiftBooking.status == BookingStatus.BOOKED)
        )
        refused = client.post(f"/bookings/{late.id}/cancel")
        assert refused.status_code == 422
        assert "Cancellations have closed" in refused.get_data(as_text=True)


def test_thirty_simultaneous_bookings_of_five_places_give_five(app, setting):
    role, manager = setting
    (shift,) = saturday_shifts(role, manager, places=5)
    ids = [approved(role, manager).id for _ in range(30)]
    shift_id = shift.id

    def book(volunteer_id: int) -> str:
        with time_machine.travel(NOW, tick=False):
            shift = _db.session.get(Shift, shift_id)
            volunteer = _db.session.get(User, volunteer_id)
            try:
                services.book(shift, volunteer, moment(NOW))
                _db.session.commit()
                return "booked"
            except services.ShiftRefused:
                _db.session.rollback()
                return "full"

    outcomes = run_together(app, book, workers=30, prepare=lambda n: ids[n])
    assert outcomes.count("booked") == 5 and outcomes.count("full") == 25
    assert services.places_booked([shift_id]) == {shift_id: 5}


def test_attendance_starts_the_placement(client, login_as, setting):
    role, manager = setting
    (shift,) = saturday_shifts(role, manager)
    with time_machine.travel(NOW, tick=False):
        volunteer = approved(role, manager, name="Asha Attends")
        booking = services.book(shift, volunteer, moment(NOW))
        _db.session.commit()
    login_as(manager)
    roster = client.get(f"/shifts/{shift.id}/roster").get_data(as_text=True)
    assert "Asha Attends" in roster
    early = client.post(
        f"/shifts/{shift.id}/attendance", data={"booking_id": booking.id, "status": "attended"}
    )
    assert early.status_code == 422
    assert "The register opens when the shift starts" in early.get_data(as_text=True)
    with time_machine.travel("2026-11-28 10:30:00+00:00", tick=False):
        login_as(_db.session.get(User, manager.id))
        marked = client.post(
            f"/shifts/{shift.id}/attendance",
            data={"booking_id": booking.id, "status": "attended"},
        )
    assert marked.status_code == 302
    _db.session.expire_all()
    assert booking.status == BookingStatus.ATTENDED
    assert booking.placement.status == PlacementStatus.ACTIVE
    outsider = make_user()
    make_organisation(manager=outsider)
    login_as(outsider)
    assert client.get(f"/shifts/{shift.id}/roster").status_code == 404


def test_reminders_go_once_a_day_ahead_and_not_for_cancelled_bookings(app, setting):
    role, manager = setting
    (shift,) = saturday_shifts(role, manager)
    with time_machine.travel(NOW, tick=False):
        coming = approved(role, manager)
        services.book(shift, coming, moment(NOW))
        gone = approved(role, manager)
        booking = services.book(shift, gone, moment(NOW))
        services.cancel(booking, gone, moment(NOW))
        _db.session.commit()
    with time_machine.travel("2026-11-27 09:00:00+00:00", tick=False):
        assert remind_shifts() == "reminded 0"  # 25 hours ahead
    day_before = "2026-11-27 10:30:00+00:00"

    def run(_: int) -> str:
        with time_machine.travel(day_before, tick=False):
            return remind_shifts()

    assert sorted(run_together(app, run)) == ["reminded 0", "reminded 1"]
    assert run(0) == "reminded 0"
    (reminder,) = outbox(coming.email)[-1:]
    assert (
        reminder.subject == "Reminder: your shift for “Orchard helper”, 28 November 2026, 10:00am"
    )
    assert not [m for m in outbox(gone.email) if m.subject.startswith("Reminder")]


def test_the_calendar_feed_gives_london_times_in_utc(client, login_as, db):
    """A 10:00 shift on 29 March 2025 (GMT) is 10:00Z; on 5 April 2025 (BST) 09:00Z."""
    with time_machine.travel("2025-03-01 12:00:00+00:00", tick=False):
        manager = make_user()
        role = make_role(make_organisation(manager=manager), places=10)
        for day in (date(2025, 3, 29), date(2025, 4, 5)):
            services.create_shifts(role, services.ShiftPattern(day, time(10), time(12), 5), manager)
        volunteer = approved(role, manager)
        for shift in _db.session.scalars(sa.select(Shift)):
            services.book(shift, volunteer, moment("2025-03-01 12:00:00+00:00"))
        _db.session.commit()
        login_as(volunteer)
        page = client.get("/me/calendar").get_data(as_text=True)
        token = page.split("/calendar/")[1].split(".ics")[0]
        feed = client.get(f"/calendar/{token}.ics")
        assert feed.status_code == 200 and feed.mimetype == "text/calendar"
        events = Calendar.from_ical(feed.data).walk("VEVENT")
        starts = sorted(event.decoded("dtstart").astimezone(UTC) for event in events)
        assert [start.isoformat() for start in starts] == [
            "2025-03-29T10:00:00+00:00",
            "2025-04-05T09:00:00+00:00",
        ]
        single = client.get(f"/shifts/{_db.session.scalar(sa.select(Shift.id))}.ics")
        (event,) = Calendar.from_ical(single.data).walk("VEVENT")
        assert event.decoded("dtend") > event.decoded("dtstart")
        assert client.post("/me/calendar/reset").status_code == 302
        assert client.get(f"/calendar/{token}.ics").status_code == 404  # the old address


def test_leaving_the_role_gives_up_coming_shifts(setting):
    role, manager = setting
    (shift,) = saturday_shifts(role, manager)
    with time_machine.travel(NOW, tick=False):
        volunteer = approved(role, manager)
        booking = services.book(shift, volunteer, moment(NOW))
        placements.withdraw(booking.placement, volunteer)
        _db.session.commit()
    _db.session.expire_all()
    assert booking.status == BookingStatus.CANCELLED
    assert services.places_booked([shift.id]) == {}


def test_a_group_books_its_whole_headcount(setting):
    role, manager = setting
    role.groups_welcome, role.max_group_size = True, 4
    (shift,) = saturday_shifts(role, manager, places=5)
    with time_machine.travel(NOW, tick=False):
        lead = make_user()
        group = placements.Application(note="", headcount=4, group_name="Acme team")
        placement = placements.apply(role, lead, group, date(2026, 11, 20))
        placements.decide(placement, "approve", manager)
        services.book(shift, lead, moment(NOW))
        pair = placements.apply(
            role,
            make_user(),
            placements.Application(note="", headcount=2, group_name="Pair"),
            date(2026, 11, 20),
        )
        placements.decide(pair, "approve", manager)
        with pytest.raises(services.ShiftRefused, match="full"):
            services.book(shift, pair.volunteer, moment(NOW))
    assert services.places_booked([shift.id]) == {shift.id: 4}


def test_shifts_in_the_past_or_in_a_time_the_clocks_skip_are_refused(setting):
    role, manager = setting
    with time_machine.travel(NOW, tick=False):
        past = services.ShiftPattern(date(2026, 11, 1), time(10), time(12), 3)
        with pytest.raises(services.ShiftRefused, match="from today"):
            services.create_shifts(role, past, manager)
        gap = services.ShiftPattern(date(2027, 3, 28), time(1, 30), time(2, 15), 3)
        with pytest.raises(services.ShiftRefused, match="clocks go forward"):
            services.create_shifts(role, gap, manager)


def test_strangers_cannot_book_or_read_a_draft_roles_shift(client, login_as, setting):
    role, manager = setting
    draft = make_role(role.organisation, status="draft", title="Secret plan")
    (shift,) = saturday_shifts(draft, manager)
    login_as(make_user())
    answer = client.post(f"/shifts/{shift.id}/book")
    assert answer.status_code == 404
    assert client.get(f"/shifts/{shift.id}.ics").status_code == 404
