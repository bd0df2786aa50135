"""Training: courses and sessions, booking without overbooking, the waiting list and its
offers, registers that create records, records that expire, and training that gates
approval unless staff override it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from icalendar import Calendar

from tests.factories import (
    make_check,
    make_course,
    make_locality,
    make_organisation,
    make_record,
    make_role,
    make_session,
    make_staff,
    make_user,
)
from tests.helpers import outbox, row_counts, run_together, slow_statements
from tests.test_query_counts import assert_flat, measure_twice
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.extensions import db as _db
from volunteer_hub.placements import services as placements
from volunteer_hub.placements.bulk import approve_many
from volunteer_hub.placements.models import Placement, PlacementStatus
from volunteer_hub.roles.models import Role, RoleStatus
from volunteer_hub.roles.services import details_of, update_role
from volunteer_hub.shifts.services import calendar_feed
from volunteer_hub.training import services, sessions
from volunteer_hub.training.models import (
    BookingStatus,
    Course,
    RecordSource,
    TrainingBooking,
    TrainingRecord,
    TrainingSession,
)
from volunteer_hub.training.records import held_courses, missing_courses
from volunteer_hub.training.session_jobs import remind_sessions

NOW = "2026-11-20 10:00:00+00:00"
TODAY = date(2026, 11, 20)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Courses and sessions


def test_staff_add_a_course_and_a_session_in_local_time(client, login_as, frozen):
    staff = make_staff()
    town = make_locality("Edgeley")
    login_as(staff)
    bad = client.post("/training/courses/new", data={"title": "", "provider": "hub"})
    assert bad.status_code == 422
    assert "Enter the course title" in bad.get_data(as_text=True)
    made = client.post(
        "/training/courses/new",
        data={
            "title": "Emergency first aid",
            "provider": "hub",
            "delivery": "in-person",
            "duration_minutes": "360",
            "validity_months": "36",
        },
    )
    assert made.status_code == 302
    course = _db.session.scalar(sa.select(Course))
    assert course.organisation is None and course.validity_months == 36
    session_form = {
        "day": "2027-04-03",
        "start": "10:00",
        "end": "13:00",
        "places": "12",
        "venue": "Edgeley Community Centre",
        "locality": str(town.id),
    }
    past = client.post(
        f"/training/courses/{course.id}/sessions/new", data=session_form | {"day": "2026-11-01"}
    )
    assert past.status_code == 422
    assert 'id="day-error"' in past.text and "must be today or in the future" in past.text
    backwards = client.post(
        f"/training/courses/{course.id}/sessions/new", data=session_form | {"end": "09:00"}
    )
    assert 'id="end-error"' in backwards.text
    nowhere = client.post(
        f"/training/courses/{course.id}/sessions/new", data=session_form | {"venue": ""}
    )
    assert 'id="venue-error"' in nowhere.text
    added = client.post(f"/training/courses/{course.id}/sessions/new", data=session_form)
    assert added.status_code == 302
    session = _db.session.scalar(sa.select(TrainingSession))
    assert session.starts_at == moment("2027-04-03 09:00:00+00:00")  # 10:00 in summer time
    assert "Emergency first aid" in client.get("/training").get_data(as_text=True)


def test_coordinators_manage_only_their_own_organisations_courses(client, login_as, frozen):
    coordinator, outsider = make_user(), make_user()
    organisation = make_organisation(manager=coordinator)
    make_organisation(manager=outsider)
    own = make_course(organisation, title="Library system basics")
    hub_course = make_course(title="Safeguarding adults")
    login_as(coordinator)
    form = client.get("/training/courses/new").get_data(as_text=True)
    assert organisation.name in form and "The volunteer hub" not in form
    assert client.get(f"/training/courses/{own.id}/edit").status_code == 200
    assert client.get(f"/training/courses/{hub_course.id}/edit").status_code == 404
    login_as(outsider)
    assert client.get(f"/training/courses/{own.id}/edit").status_code == 404
    assert client.get(f"/training/courses/{own.id}/sessions/new").status_code == 404
    volunteer = make_user()
    login_as(volunteer)
    assert client.get("/training/courses").status_code == 403


def test_the_calendar_filters_by_course_area_and_month(client, frozen):
    first_aid, hygiene = make_course(title="First aid"), make_course(title="Food hygiene")
    north, south = make_locality("Reddish"), make_locality("Cheadle")
    make_session(first_aid, starts_at=moment("2026-12-02 10:00:00+00:00"), locality=north)
    make_session(hygiene, starts_at=moment("2027-01-12 10:00:00+00:00"), locality=south)
    make_session(hygiene, starts_at=moment("2026-11-01 10:00:00+00:00"))  # past: not listed

    def listed(query: str) -> str:
        return client.get(f"/training?{query}").get_data(as_text=True)

    assert "2 sessions to come" in listed("")
    assert "1 session to come" in listed(f"course={first_aid.id}")
    assert "Food hygiene:" in listed(f"locality={south.id}")
    assert "First aid:" not in listed(f"locality={south.id}")
    assert "Food hygiene:" in listed("month=2027-01")
    assert "First aid:" not in listed("month=2027-01")
    assert listed("month=nonsense&course=abc&locality=9x").count("card-body") == 2
    assert client.get("/training?locality=%00").status_code == 400


# Booking, the waiting list and offers


def test_the_venue_and_link_are_shown_only_to_people_with_a_place(client, login_as, frozen):
    session = make_session(venue="Room 2, Stockport Central Library")
    volunteer = make_user()
    assert "Room 2" not in client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    login_as(volunteer)
    assert client.post(f"/training/sessions/{session.id}/book").status_code == 302
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert "Room 2, Stockport Central Library" in page and "Cancel my place" in page
    ics = Calendar.from_ical(client.get(f"/training/sessions/{session.id}.ics").data)
    (event,) = ics.walk("VEVENT")
    assert "Room 2" in str(event["LOCATION"])


def test_a_full_session_waitlists_then_offers_the_freed_place_in_order(frozen):
    session = make_session(places=1)
    first, second, third = make_user(), make_user(), make_user(email="third@example.org")
    booked = services.book(session, first)
    waiting = services.book(session, second)
    frozen.shift(60)
    later = services.book(session, third)
    _db.session.commit()
    assert [booked.status, waiting.status, later.status] == ["booked", "waitlisted", "waitlisted"]
    assert services.waitlist_position(later) == 2
    services.cancel(booked, first)
    _db.session.commit()
    assert waiting.status == BookingStatus.OFFERED and later.status == BookingStatus.WAITLISTED
    assert waiting.offer_expires_at == moment(NOW) + timedelta(hours=72, seconds=60)
    waiting_list, offer = outbox(second.email)
    assert waiting_list.subject.startswith("On the waiting list: ")
    assert offer.subject.startswith("A place is free for you: ")
    frozen.shift(timedelta(hours=73))
    assert services.expire_offers() == 1
    _db.session.commit()
    assert waiting.status == BookingStatus.CANCELLED and later.status == BookingStatus.OFFERED
    services.accept_offer(later, third)
    _db.session.commit()
    assert later.status == BookingStatus.BOOKED
    assert services.places_held([session.id]) == {session.id: 1}


def test_an_offer_never_outlasts_the_session(frozen):
    session = make_session(places=1, starts_at=moment(NOW) + timedelta(hours=10))
    first, second = make_user(), make_user()
    booked = services.book(session, first)
    waiting = services.book(session, second)
    services.cancel(booked, first)
    _db.session.commit()
    assert waiting.offer_expires_at == session.starts_at


def test_booking_twice_or_after_the_start_is_refused(client, login_as, frozen):
    session = make_session()
    volunteer = make_user()
    services.book(session, volunteer)
    _db.session.commit()
    login_as(volunteer)
    again = client.post(f"/training/sessions/{session.id}/book")
    assert again.status_code == 422
    assert "already booked" in again.get_data(as_text=True)
    frozen.move_to(session.starts_at + timedelta(minutes=5))
    late = make_user()
    with pytest.raises(services.TrainingRefused, match="already started"):
        services.book(session, late)


def test_twenty_requests_for_the_last_place_give_one_booking(app, frozen):
    session = make_session(places=3)
    for _ in range(2):
        services.book(session, make_user())
    _db.session.commit()
    session_id = session.id
    volunteer_ids = [make_user().id for _ in range(20)]

    def book(volunteer_id: int) -> str:
        found = _db.session.get(TrainingSession, session_id)
        booking = services.book(found, _db.session.get(User, volunteer_id))
        _db.session.commit()
        return str(booking.status)

    with slow_statements("INSERT INTO training_bookings"):  # without the lock: 14 booked
        outcomes = run_together(app, book, workers=20, prepare=lambda n: volunteer_ids[n])
    assert outcomes.count("booked") == 1 and outcomes.count("waitlisted") == 19
    assert services.places_held([session_id]) == {session_id: 3}


def test_nobody_else_can_cancel_or_accept_a_booking(client, login_as, frozen):
    booking = services.book(make_session(), make_user())
    _db.session.commit()
    login_as(make_user())
    assert client.post(f"/training/bookings/{booking.id}/cancel").status_code == 404
    assert client.post(f"/training/bookings/{booking.id}/accept").status_code == 404
    assert booking.status == BookingStatus.BOOKED


# Registers and records


def test_the_runner_marks_attendance_and_the_record_expires_with_the_course(
    client, login_as, frozen
):
    runner = make_user(name="Rita Runner")
    course = make_course(title="Food hygiene level 2", validity_months=36)
    session = make_session(course, runners=(runner,))
    volunteer = make_user(name="Asha Attends")
    booking = services.book(session, volunteer)
    _db.session.commit()
    login_as(runner)
    early = client.post(
        f"/training/sessions/{session.id}/attendance",
        data={"booking_id": booking.id, "status": "attended"},
    )
    assert early.status_code == 422
    assert "The register opens when the session starts" in early.get_data(as_text=True)
    frozen.move_to(session.starts_at + timedelta(minutes=30))
    login_as(_db.session.get(User, runner.id))
    assert "Asha Attends" in client.get(f"/training/sessions/{session.id}/register").text
    marked = client.post(
        f"/training/sessions/{session.id}/attendance",
        data={"booking_id": booking.id, "status": "attended"},
    )
    assert marked.status_code == 302
    record = _db.session.scalar(sa.select(TrainingRecord))
    assert record.source == RecordSource.ATTENDED and record.completed_on == date(2026, 11, 27)
    assert record.expires_on == date(2029, 11, 27)
    corrected = client.post(
        f"/training/sessions/{session.id}/attendance",
        data={"booking_id": booking.id, "status": "no-show"},
    )
    assert corrected.status_code == 302
    assert count(TrainingRecord) == 0


def test_only_runners_and_course_managers_take_the_register(client, login_as, frozen):
    session = make_session(make_course(make_organisation(manager=(manager := make_user()))))
    login_as(make_user())
    assert client.get(f"/training/sessions/{session.id}/register").status_code == 404
    login_as(manager)
    assert client.get(f"/training/sessions/{session.id}/register").status_code == 200


def test_an_expired_record_no_longer_counts(frozen):
    course = make_course(validity_months=12)
    volunteer = make_user()
    make_record(volunteer, course, completed_on=date(2025, 11, 20))  # expires today
    assert held_courses([volunteer.id], TODAY) == {volunteer.id: set()}
    assert held_courses([volunteer.id], TODAY - timedelta(days=1)) == {volunteer.id: {course.id}}
    forever = make_course(validity_months=None)
    make_record(volunteer, forever, completed_on=date(2001, 1, 1))
    assert held_courses([volunteer.id], TODAY) == {volunteer.id: {forever.id}}


# Training that gates approval


@pytest.fixture
def gated(frozen):
    coordinator = make_user(name="Cory Coordinator")
    course = make_course(title="Safeguarding children")
    role = make_role(make_organisation(manager=coordinator), title="Reading buddy")
    role.required_courses = [course]
    _db.session.commit()
    volunteer = make_user(name="Vic Volunteer")
    placement = placements.apply(role, volunteer, placements.Application(note=""), TODAY)
    _db.session.commit()
    return role, course, coordinator, volunteer, placement


def test_approval_without_required_training_is_refused(client, login_as, gated):
    role, course, coordinator, volunteer, placement = gated
    login_as(coordinator)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Not yet done: Safeguarding children" in page
    refused = client.post(f"/placements/{placement.id}/decide", data={"decision": "approve"})
    assert refused.status_code == 422
    assert "no valid record of training this role requires" in refused.get_data(as_text=True)
    assert placement.status == PlacementStatus.APPLIED
    outcome = approve_many([placement.id], make_staff())
    assert outcome.approved == [] and "Safeguarding children" in outcome.refused[0][1]


def test_staff_can_override_with_a_reason_that_is_audited(client, login_as, gated):
    role, course, coordinator, volunteer, placement = gated
    staff = make_staff()
    login_as(staff)
    without = client.post(f"/placements/{placement.id}/decide", data={"decision": "approve"})
    assert without.status_code == 422
    assert 'id="training_override-error"' in without.get_data(as_text=True)
    before = row_counts()
    allowed = client.post(
        f"/placements/{placement.id}/decide",
        data={"decision": "approve", "training_override": "Booked on 3 December; shadowed."},
    )
    assert allowed.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Placement, placement.id).status == PlacementStatus.APPROVED
    event = _db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "placement.training_override")
    )
    assert event.actor_id == staff.id
    assert event.detail["reason"] == "Booked on 3 December; shadowed."
    assert event.detail["courses"] == ["Safeguarding children"]
    assert row_counts()["audit_events"] > before["audit_events"]
    timeline = client.get(f"/placements/{placement.id}").text
    assert "Approved without the required training (Safeguarding children)" in timeline


def test_a_coordinator_cannot_override(gated):
    role, course, coordinator, volunteer, placement = gated
    with pytest.raises(placements.TrainingNeeded, match="hub staff can approve anyway"):
        placements.decide(placement, "approve", coordinator, training_override="Trust me")


def test_a_valid_record_lets_approval_through_and_an_expired_one_does_not(gated):
    role, course, coordinator, volunteer, placement = gated
    make_record(volunteer, course, completed_on=date(2023, 11, 20))  # expired today
    with pytest.raises(placements.TrainingNeeded):
        placements.decide(placement, "approve", coordinator)
    _db.session.rollback()
    make_record(volunteer, course, completed_on=date(2026, 1, 5))
    assert missing_courses(volunteer.id, role, TODAY) == []
    placements.decide(placement, "approve", coordinator)
    _db.session.commit()
    assert placement.status == PlacementStatus.APPROVED


def test_the_role_page_says_what_training_is_still_needed(client, login_as, gated):
    role, course, coordinator, volunteer, placement = gated
    session = make_session(course, starts_at=moment("2026-12-03 18:00:00+00:00"))
    assert "Safeguarding children" in client.get(f"/roles/{role.slug}").get_data(as_text=True)
    login_as(volunteer)
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "you still need this" in page and f"/training/sessions/{session.id}" in page
    make_record(volunteer, course, completed_on=TODAY)
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "you meet this requirement" in page


def test_adding_required_training_sends_a_published_role_back_to_review(gated):
    role, course, coordinator, volunteer, placement = gated
    extra = make_course(title="Lone working")
    details = details_of(role)
    details.course_ids.append(extra.id)
    assert update_role(role, details, coordinator) is True
    assert role.status == RoleStatus.PENDING_REVIEW
    assert [c.title for c in role.required_courses] == ["Lone working", "Safeguarding children"]


# The volunteer's own pages


def test_my_training_groups_records_and_bookings(client, login_as, frozen):
    volunteer = make_user()
    make_record(volunteer, make_course(title="First aid"), completed_on=date(2024, 6, 10))
    make_record(volunteer, make_course(title="Manual handling"), completed_on=date(2023, 12, 1))
    make_record(volunteer, make_course(title="GDPR basics"), completed_on=date(2022, 1, 1))
    booking = services.book(make_session(make_course(title="Fire marshal")), volunteer)
    _db.session.commit()
    login_as(volunteer)
    page = client.get("/me/training").get_data(as_text=True)
    expiring = page.index("Expiring soon")
    valid, expired = page.index('<h2 class="h3 mt-4">Valid'), page.index("Expired</h2>")
    assert expiring < page.index("Manual handling") < valid  # expires 1 December 2026
    assert valid < page.index("First aid") < expired
    assert page.index("GDPR basics") > expired
    assert "Fire marshal" in page and booking.status == "booked"
    assert "Fire marshal" in client.get("/me").get_data(as_text=True)


def test_booked_sessions_join_the_private_calendar(client, frozen):
    volunteer = make_user()
    session = make_session(make_course(title="Brushcutter safety"), venue="Etherow Park depot")
    services.book(session, volunteer)
    feed = calendar_feed(volunteer)
    _db.session.commit()
    ics = Calendar.from_ical(client.get(f"/calendar/{feed.token}.ics").data)
    (event,) = ics.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Training: Brushcutter safety"
    assert str(event["LOCATION"]) == "Etherow Park depot"


def test_bad_attendance_input_writes_nothing(client, login_as, frozen):
    staff = make_staff()
    session = make_session()
    login_as(staff)
    before = row_counts()
    bad = client.post(
        f"/training/sessions/{session.id}/attendance",
        data={"booking_id": "x", "status": "maybe"},
    )
    assert bad.status_code == 422
    assert row_counts() == before
    assert count(TrainingBooking) == 0


def test_a_reminder_goes_48_hours_before_once(app, frozen):
    session = make_session(starts_at=moment("2026-11-23 09:00:00+00:00"))
    booked, waiting = make_user(email="booked@example.org"), make_user(email="wait@example.org")
    session.places = 1
    services.book(session, booked)
    services.book(session, waiting)
    _db.session.commit()
    assert remind_sessions() == "reminded 0"  # 71 hours ahead
    frozen.move_to(moment("2026-11-21 09:30:00+00:00"))
    assert remind_sessions() == "reminded 1"
    assert remind_sessions() == "reminded 0"
    outcomes = run_together(app, lambda _: remind_sessions(), workers=4)
    assert outcomes == ["reminded 0"] * 4
    booked_email, reminder = outbox("booked@example.org")
    assert booked_email.subject.startswith("Your place: ")
    assert reminder.subject.startswith("Reminder: ")
    assert "Stockport Central Library" in reminder.body_text
    assert [m.subject[:20] for m in outbox("wait@example.org")] == ["On the waiting list:"]


def test_managers_find_recent_registers_on_the_course_page(client, login_as, frozen):
    manager = make_user()
    course = make_course(make_organisation(manager=manager), title="Tool safety")
    past = make_session(course, starts_at=moment("2026-11-18 10:00:00+00:00"))
    make_session(course, starts_at=moment("2026-09-01 10:00:00+00:00"))  # too long ago
    login_as(manager)
    page = client.get(f"/training/courses/{course.id}").get_data(as_text=True)
    assert page.count("/register") == 1 and f"/training/sessions/{past.id}/register" in page
    login_as(make_user())
    assert "/register" not in client.get(f"/training/courses/{course.id}").get_data(as_text=True)


def test_cancelling_a_session_tells_everyone_and_closes_it(client, login_as, frozen):
    manager = make_user()
    course = make_course(make_organisation(manager=manager), title="Fire marshal")
    session = make_session(course, places=1)
    booked, waiting = make_user(email="booked@example.org"), make_user(email="wait@example.org")
    services.book(session, booked)
    services.book(session, waiting)
    _db.session.commit()
    login_as(manager)
    assert client.get(f"/training/sessions/{session.id}").text.count("Cancel this session") == 1
    blank = client.post(f"/training/sessions/{session.id}/cancel", data={"reason": " "})
    assert blank.status_code == 422 and "Say why the session is cancelled" in blank.text
    done = client.post(f"/training/sessions/{session.id}/cancel", data={"reason": "Trainer ill"})
    assert done.status_code == 302
    statuses = _db.session.scalars(sa.select(TrainingBooking.status)).all()
    assert statuses == ["cancelled", "cancelled"]
    for address in ("booked@example.org", "wait@example.org"):
        message = outbox(address)[-1]
        assert message.subject.startswith("Cancelled: ") and "Trainer ill" in message.body_text
    assert "Fire marshal:" not in client.get("/training").text
    with pytest.raises(services.TrainingRefused, match="cancelled"):
        services.book(_db.session.get(TrainingSession, session.id), make_user())


def test_taking_up_an_offered_place_needs_the_training_too(gated):
    role, course, coordinator, volunteer, placement = gated
    placements.decide(placement, "waitlist", coordinator, reason="full")
    placement.status = PlacementStatus.OFFERED
    placement.offer_expires_at = moment(NOW) + timedelta(hours=72)
    _db.session.commit()
    with pytest.raises(placements.TrainingNeeded, match="Safeguarding children"):
        placements.accept_offer(placement, volunteer)
    _db.session.rollback()
    make_record(volunteer, course, completed_on=TODAY)
    placements.accept_offer(_db.session.get(Placement, placement.id), volunteer)
    assert _db.session.get(Placement, placement.id).status == PlacementStatus.APPROVED


def test_odd_calendar_addresses_are_answered_not_crashed(client, frozen):
    for query in ("page=99999999999999999999", "course=%C2%B2", "locality=-1", "month=2027-13"):
        assert client.get(f"/training?{query}").status_code == 200, query


def test_a_suspended_organisations_courses_leave_the_calendar(client, login_as, frozen):
    manager = make_user()
    organisation = make_organisation(manager=manager)
    course = make_course(organisation, title="Brushcutter safety")
    session = make_session(course)
    assert "Brushcutter safety:" in client.get("/training").text
    organisation.status = "suspended"
    _db.session.commit()
    assert "Brushcutter safety:" not in client.get("/training").text
    assert client.get(f"/training/courses/{course.id}").status_code == 404
    login_as(manager)
    assert client.get(f"/training/courses/{course.id}/edit").status_code == 404
    with pytest.raises(services.TrainingRefused, match="no longer offered"):
        services.book(session, make_user())


def test_a_register_closes_a_week_after_the_session(frozen):
    staff = make_staff()
    session = make_session()
    booking = services.book(session, make_user())
    _db.session.commit()
    frozen.move_to(session.ends_at + timedelta(days=6))
    services.mark_attendance(booking, BookingStatus.ATTENDED, staff)
    _db.session.commit()
    frozen.move_to(session.ends_at + timedelta(days=8))
    with pytest.raises(services.TrainingRefused, match="register closed"):
        services.mark_attendance(booking, BookingStatus.NO_SHOW, staff)
    assert count(TrainingRecord) == 1


def test_staff_see_checks_falling_due_beside_training(client, login_as, frozen):
    volunteer = make_user(name="Dee Dueforcheck")
    make_check(volunteer, issued_on=date(2023, 12, 20), update_service=False)  # due 20 Dec
    renewed = make_user(name="Ren Renewed")
    make_check(renewed, issued_on=date(2023, 12, 20), update_service=False)
    make_check(renewed, issued_on=date(2026, 10, 1), update_service=False)
    login_as(make_staff())
    page = client.get("/staff/training/expiring").text
    assert "Dee Dueforcheck" in page and "20 December 2026" in page
    assert "Ren Renewed" not in page
    csv = client.get("/staff/training/expiring.csv").text
    assert "Dee Dueforcheck" in csv and "2026-12-20" in csv


def test_training_pages_send_the_same_statements_however_much_there_is(client, login_as, frozen):
    """The calendar, a session, a course, a role needing training and the volunteer's own
    training page, with 10 then 20 courses, sessions, bookings and records."""
    volunteer = make_user()
    organisation = make_organisation()
    role = make_role(organisation)
    first = make_session(make_course(organisation), runners=(make_staff(),))
    ids = {
        "volunteer": volunteer.id,
        "role": role.id,
        "session": first.id,
        "course": first.course_id,
    }

    def add_data() -> None:
        person = _db.session.get(User, ids["volunteer"])
        needing = _db.session.get(Role, ids["role"])
        for number in range(10):
            course = make_course()
            session = make_session(course, locality=make_locality())
            services.book(session, person)
            services.book(_db.session.get(TrainingSession, ids["session"]), make_user())
            make_record(person, course, completed_on=TODAY - timedelta(days=number * 90))
            needing.required_courses.append(course)
        _db.session.commit()

    login_as(volunteer)
    ceilings = {
        "/training": 6,  # user, page, count, places held, courses and areas for the filters
        f"/training/sessions/{ids['session']}": 7,
        f"/training/courses/{ids['course']}": 6,
        f"/roles/{role.slug}": 11,  # the role page's 8, and 3 for the training it needs
        "/me/training": 3,
    }
    counts, statements = measure_twice(client, list(ceilings), add_data)
    for url, ceiling in ceilings.items():
        assert_flat({url: counts[url]}, ceiling=ceiling, statements=statements)


def test_coordinators_see_each_applicants_training(client, login_as, gated):
    role, course, coordinator, volunteer, placement = gated
    trained = make_user(name="Tia Trained")
    make_record(trained, course, completed_on=TODAY)
    placements.apply(role, trained, placements.Application(note=""), TODAY)
    _db.session.commit()
    login_as(coordinator)
    page = client.get(f"/roles/{role.slug}/applicants").text
    assert "Not yet: Safeguarding children" in page and page.count(">Done<") == 1


def test_changing_a_session_keeps_places_tells_people_and_offers_new_places(
    client, login_as, frozen
):
    manager = make_user()
    course = make_course(make_organisation(manager=manager), title="Lone working")
    session = make_session(course, places=1, starts_at=moment("2026-12-02 10:00:00+00:00"))
    booked, waiting = make_user(email="booked@example.org"), make_user(email="wait@example.org")
    services.book(session, booked)
    waits = services.book(session, waiting)
    _db.session.commit()
    login_as(manager)
    form = client.get(f"/training/sessions/{session.id}/edit").text
    assert 'value="2026-12-02"' in form and 'value="10:00"' in form
    change = {"day": "2026-12-09", "start": "10:00", "end": "13:00", "venue": "Room 4"}
    fewer = client.post(f"/training/sessions/{session.id}/edit", data=change | {"places": "0"})
    assert fewer.status_code == 422
    saved = client.post(f"/training/sessions/{session.id}/edit", data=change | {"places": "2"})
    assert saved.status_code == 302
    moved = outbox("booked@example.org")[-1]
    assert moved.subject.startswith("Changed: ") and "Room 4" in moved.body_text
    assert _db.session.get(TrainingBooking, waits.id).status == BookingStatus.OFFERED
    session = _db.session.get(TrainingSession, session.id)
    assert session.starts_at == moment("2026-12-09 10:00:00+00:00")
    with pytest.raises(services.TrainingRefused, match="keep at least 2 places"):
        sessions.change_session(
            session,
            sessions.SessionPlan(session.starts_at, session.ends_at, 1, venue="Room 4"),
            manager,
        )
