"""Subject access (the export) and erasure (account deletion)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import (
    PASSWORD,
    make_admin,
    make_category,
    make_course,
    make_locality,
    make_organisation,
    make_record,
    make_role,
    make_session,
    make_skill,
    make_staff,
    make_user,
)
from tests.helpers import outbox, tiny_image, tiny_pdf
from volunteer_hub.auth.models import User
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.certificates.services import issue_for_training
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.files import StoredFile
from volunteer_hub.placements import services
from volunteer_hub.placements.models import Placement, PlacementEvent
from volunteer_hub.placements.questions import set_questions
from volunteer_hub.privacy import erase_account, export_account
from volunteer_hub.shifts import services as shift_services
from volunteer_hub.shifts.models import CalendarFeed, Shift, ShiftBooking
from volunteer_hub.training.models import TrainingBooking, TrainingRecord, session_runners
from volunteer_hub.volunteers.models import Availability, Check, VolunteerProfile

NOT_PERSONAL = {"password_hash", "session_version", "user_id", "volunteer_id", "locality_id"}
NOT_PERSONAL |= {"checked_by_id", "deleted_at", "role_id", "placement_id", "actor_id", "position"}
NOT_PERSONAL |= {"shift_id", "session_id", "course_id", "booking_id", "evidence_id", "owner_id"}
NOT_PERSONAL |= {"recorded_by_id", "decided_by_id", "recipient_id", "training_record_id"}
NOT_PERSONAL |= {"nomination_id", "withheld"}


def evidence(owner: User, filename: str, data: bytes, content_type: str) -> StoredFile:
    stored = StoredFile(
        owner_id=owner.id, filename=filename, content_type=content_type, size=len(data), data=data
    )
    _db.session.add(stored)
    return stored


def booking(session, volunteer: User, status: str, **fields) -> TrainingBooking:
    made = TrainingBooking(session=session, volunteer=volunteer, status=status, **fields)
    _db.session.add(made)
    _db.session.flush()
    return made


def give_training(user: User, staff: User) -> None:
    """A course attended (from the register, with its certificate), a place offered on a
    coming session, evidence sent in and not accepted, one waiting, and a session the person
    helps run."""
    first_aid = make_course(title="Emergency first aid at work")
    hygiene = make_course(title="Food hygiene level 2", validity_months=None)
    past = make_session(first_aid, starts_at=datetime(2026, 10, 6, 9, tzinfo=UTC), runners=(staff,))
    coming = make_session(first_aid, starts_at=datetime(2099, 2, 3, 10, tzinfo=UTC))
    make_session(hygiene, starts_at=datetime(2099, 3, 3, 10, tzinfo=UTC), runners=(user, staff))
    came = booking(past, user, "attended", created_at=datetime(2026, 9, 1, 8, tzinfo=UTC))
    booking(
        coming,
        user,
        "offered",
        waitlisted_at=datetime(2026, 9, 2, 8, tzinfo=UTC),
        offer_expires_at=datetime(2099, 1, 5, 8, tzinfo=UTC),
    )
    attended = make_record(
        user, first_aid, completed_on=date(2026, 10, 6), source="attended", booking_id=came.id
    )
    issue_for_training(attended)  # as the register does
    make_record(
        user,
        hygiene,
        completed_on=date(2026, 8, 14),
        source="submitted",
        status="rejected",
        note="Zoë's hygiene course at the hat works",
        reject_reason="Zoë, this one is level 1",
        decided_by=staff,
        decided_at=datetime(2026, 8, 20, 14, tzinfo=UTC),
        evidence=evidence(user, "zoe-quennell-level-1.pdf", tiny_pdf("Zoë"), "application/pdf"),
    )
    make_record(
        user,
        hygiene,
        completed_on=date(2026, 9, 30),
        source="submitted",
        status="pending",
        note="Zoë passed level 2",
        evidence=evidence(user, "zoe-quennell-level-2.png", tiny_image("PNG"), "image/png"),
    )


def full_volunteer(client, login_as):
    """A volunteer with every personal field filled, a check, emails and audit events."""
    locality = make_locality("Heaton Moor")
    skill = make_skill("Listening")
    category = make_category("Community libraries")
    staff = make_staff(name="Gareth Jones")
    user = make_user(
        name="Zoë Quennell-Fairweather",
        email="zoe.quennell@example.org",
        phone="+447700900456",
        postcode="SK4 4AB",
        date_of_birth=date(1987, 6, 23),
        employer="Quennell Hats Ltd",
        emergency_contact_name="Rhodri Fairweather",
        emergency_contact_phone="+447700900789",
        emergency_contact_relationship="brother",
        contact_by_sms=True,
    )
    profile = user.profile
    profile.locality = locality
    profile.skills = [skill]
    profile.interests = [category]
    profile.availability = [Availability(period="tuesday-evening")]
    _db.session.commit()
    login_as(staff)
    client.post(
        f"/staff/volunteers/{user.id}/checks/new",
        data={
            "kind": "DBS",
            "level": "enhanced",
            "certificate_number": "009876543210",
            "issued_on": "2025-03-14",
            "update_service": "y",
        },
    )
    organisation = make_organisation(manager=staff)
    role = make_role(organisation, groups_welcome=True, max_group_size=8)
    done = make_role(organisation)
    set_questions(role, ["Which hats can you mend?"], staff)
    placement = services.apply(
        role,
        user,
        services.Application(
            note="Zoë here, I mend hats",
            headcount=3,
            group_name="Quennell crew",
            answers=("Zoë mends bowlers",),
        ),
        date(2026, 11, 20),
    )
    services.decide(placement, "request_information", staff, message="Zoë, which days suit?")
    services.answer(placement, user, "Quennell crew can do Tuesdays")
    ended = services.apply(done, user, services.Application(note="Zoë again"), date(2026, 11, 20))
    services.decide(ended, "decline", staff, message="Sorry Zoë", reason="Zoë lives too far")
    started = services.apply(
        make_role(organisation), user, services.Application(note="Zoë"), date(2026, 11, 20)
    )
    services.decide(started, "approve", staff)
    services.decide(started, "start", staff)
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        shift = Shift(
            role=started.role,
            starts_at=datetime(2099, 1, 2, 10, tzinfo=UTC),
            ends_at=datetime(2099, 1, 2, 12, tzinfo=UTC),
            places=3,
        )
        _db.session.add(shift)
        _db.session.flush()
        shift_services.book(shift, user, utcnow())
        shift_services.calendar_feed(user)
    give_training(user, staff)
    _db.session.commit()
    login_as(user)
    client.post(
        "/account/email", data={"email": "zoe.new@example.org", "current_password": PASSWORD}
    )
    return user


def test_the_export_holds_every_non_empty_personal_column(client, login_as, db):
    user = full_volunteer(client, login_as)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    exported = response.get_data(as_text=True)
    data = json.loads(exported)
    rows = [user, user.profile, *db.session.scalars(sa.select(Check))]
    rows += [
        *db.session.scalars(sa.select(Placement)),
        *db.session.scalars(sa.select(PlacementEvent)),
        *db.session.scalars(sa.select(TrainingBooking)),
        *db.session.scalars(sa.select(TrainingRecord)),
        *db.session.scalars(sa.select(StoredFile)),
        *db.session.scalars(sa.select(Certificate)),
    ]
    for row in rows:
        for column in sa.inspect(type(row)).columns:
            value = getattr(row, column.key)
            if column.key in NOT_PERSONAL or value is None or value == "":
                continue
            text = value.isoformat() if hasattr(value, "isoformat") else value
            if isinstance(value, bytes):
                text = base64.b64encode(value).decode("ascii")
            assert json.dumps(text, ensure_ascii=False) in exported, (
                type(row).__name__,
                column.key,
            )
    assert data["volunteer_profile"]["skills"][0]["iri"].startswith(
        "https://ns.volunteeringdata.io/"
    )
    assert data["volunteer_profile"]["availability"] == ["tuesday-evening"]
    assert data["checks"][0]["certificate_number"] == "009876543210"
    assert any(mail["to_address"] == "zoe.new@example.org" for mail in data["emails"])
    assert any(event["action"] == "account.email_change_requested" for event in data["activity"])
    assert any(event["action"] == "check.recorded" for event in data["activity"])
    statuses = [[step["status"] for step in p["timeline"]] for p in data["placements"]]
    assert statuses == [
        ["applied", "information-requested", "applied"],
        ["applied", "declined"],
        ["applied", "approved", "active"],
    ]
    assert data["placements"][1]["timeline"][1]["by"] == "Gareth Jones"
    assert data["shift_bookings"][0]["starts_at"] == "2099-01-02T10:00:00+00:00"
    assert [(b["course"], b["status"]) for b in data["training_bookings"]] == [
        ("Emergency first aid at work", "attended"),
        ("Emergency first aid at work", "offered"),
    ]
    assert [r["status"] for r in data["training_records"]] == ["verified", "rejected", "pending"]
    assert data["training_records"][1]["decided_by"] == "Gareth Jones"
    assert data["training_records"][1]["evidence_filename"] == "zoe-quennell-level-1.pdf"
    assert [s["course"] for s in data["training_sessions_run"]] == ["Food hygiene level 2"]
    assert [c["title"] for c in data["certificates"]] == [
        "Training completed: Emergency first aid at work"
    ]


def test_the_export_needs_a_signed_in_person(client):
    assert client.get("/account/export").status_code == 302


def all_text_values() -> list[str]:
    """Every text-like value in every table of the database, outbox and audit included."""
    values = []
    for table in _db.metadata.sorted_tables:
        columns = [
            column
            for column in table.columns
            if isinstance(column.type, sa.String | sa.Text | sa.JSON | sa.Date | sa.DateTime)
            or column.type.__class__.__name__ == "UTCDateTime"
        ]
        if not columns:
            continue
        for row in _db.session.execute(sa.select(*columns)):
            values.extend(str(value) for value in row if value is not None)
    return values


def test_deleting_an_account_leaves_nothing_that_identifies_the_person(client, login_as, db):
    user = full_volunteer(client, login_as)
    client.post("/login", data={"email": "zoe.quennell@example.org", "password": "wrong password"})
    login_as(user)
    identifying = [
        "zoe.quennell@example.org",
        "zoe.new@example.org",
        "Zoë Quennell-Fairweather",
        "Quennell",
        "7700900456",
        "SK4 4AB",
        "1987-06-23",
        "Rhodri",
        "7700900789",
        "009876543210",
        "Quennell Hats",
        "Zoë",
        "mend hats",
        "bowlers",
        "zoe-quennell",
        "hat works",
    ]
    assert any("Quennell" in value for value in all_text_values())
    response = client.post("/account/delete", data={"confirm": "y", "password": PASSWORD})
    assert response.status_code == 302
    leftovers = [
        (needle, value) for value in all_text_values() for needle in identifying if needle in value
    ]
    assert leftovers == []
    erased = db.session.get(User, user.id)
    assert erased.deleted_at is not None and not erased.is_active
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) == 0
    assert client.get("/account").status_code == 302
    placements = db.session.scalars(sa.select(Placement).order_by(Placement.id)).all()
    assert [(p.volunteer_id, p.status) for p in placements] == [
        (None, "withdrawn"),
        (None, "declined"),
        (None, "ended"),
    ]
    (booking,) = db.session.scalars(sa.select(ShiftBooking)).all()
    assert (booking.volunteer_id, booking.status) == (None, "cancelled")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    records = db.session.scalars(sa.select(TrainingRecord).order_by(TrainingRecord.id)).all()
    assert [(r.volunteer_id, r.status, r.evidence_id, r.note) for r in records] == [
        (None, "verified", None, ""),
        (None, "rejected", None, ""),
        (None, "rejected", None, ""),  # a submission nobody is left to check leaves the queue
    ]
    bookings = db.session.scalars(sa.select(TrainingBooking).order_by(TrainingBooking.id)).all()
    assert [(b.volunteer_id, b.status) for b in bookings] == [
        (None, "attended"),
        (None, "cancelled"),
    ]
    runs = sa.select(session_runners).where(session_runners.c.user_id == user.id)
    assert db.session.execute(runs).all() == []
    failed = client.post("/login", data={"email": "zoe.quennell@example.org", "password": PASSWORD})
    assert failed.status_code == 401


def test_deletion_needs_the_password_and_the_tick(client, login_as, db):
    user = make_user()
    login_as(user)
    response = client.post("/account/delete", data={"confirm": "y", "password": "not my password"})
    assert response.status_code == 422
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 422
    assert db.session.get(User, user.id).deleted_at is None


def test_the_only_admin_cannot_delete_their_account(client, login_as, db):
    admin = make_admin()
    login_as(admin)
    response = client.post("/account/delete", data={"confirm": "y", "password": PASSWORD})
    assert response.status_code == 422
    assert "only admin" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).deleted_at is None


@pytest.mark.parametrize("status", ["pending", "sent"])
def test_erasure_scrubs_queued_and_sent_mail(client, login_as, db, status):
    user = make_user(email="mail.me@example.org")
    client.post("/password-reset", data={"email": "mail.me@example.org"})
    (message,) = outbox("mail.me@example.org")
    message.status = status
    db.session.commit()
    login_as(user)
    client.post("/account/delete", data={"confirm": "y", "password": PASSWORD})
    db.session.refresh(message)
    assert message.to_address == "erased@invalid"
    assert "mail.me" not in message.body_text
    assert message.status == ("failed" if status == "pending" else "sent")


def test_the_export_gives_back_each_evidence_file(db):
    user = make_user()
    pdf, png = tiny_pdf(), tiny_image("PNG")
    evidence(user, "first-aid.pdf", pdf, "application/pdf")
    evidence(user, "hygiene.png", png, "image/png")
    evidence(make_user(), "someone-else.pdf", tiny_pdf(), "application/pdf")
    db.session.commit()
    files = export_account(user)["evidence_files"]
    assert [(f["filename"], f["content_type"], f["size"]) for f in files] == [
        ("first-aid.pdf", "application/pdf", len(pdf)),
        ("hygiene.png", "image/png", len(png)),
    ]
    assert [base64.b64decode(f["content_base64"]) for f in files] == [pdf, png]


def test_erasure_removes_only_the_persons_certificates_and_keeps_the_figures(db):
    """Their records stay without them; a file staff uploaded for them goes too; their
    place is offered to the next person waiting."""
    user, other, next_in_line, staff = make_user(), make_user(), make_user(), make_staff()
    course = make_course()
    session = make_session(course, places=2, runners=(user, staff))
    booking(session, user, "booked")
    booking(session, other, "booked")
    booking(session, next_in_line, "waitlisted", waitlisted_at=utcnow())
    waiting = booking(make_session(course), user, "waitlisted")
    uploaded_for_them = evidence(staff, "scan.pdf", tiny_pdf(), "application/pdf")
    theirs = make_record(user, course, completed_on=date(2026, 5, 1), evidence=uploaded_for_them)
    kept = evidence(other, "other.pdf", tiny_pdf(), "application/pdf")
    make_record(other, course, completed_on=date(2026, 5, 1), note="Seen", evidence=kept)
    erase_account(user, actor=user)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(sa.select(StoredFile.filename)).all() == ["other.pdf"]
    assert (theirs.volunteer_id, theirs.evidence_id, theirs.status) == (None, None, "verified")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingRecord)) == 2
    assert (waiting.volunteer_id, waiting.status) == (None, "cancelled")
    statuses = db.session.execute(
        sa.select(TrainingBooking.volunteer_id, TrainingBooking.status).order_by(TrainingBooking.id)
    ).all()
    assert statuses == [
        (None, "cancelled"),
        (other.id, "booked"),
        (next_in_line.id, "offered"),
        (None, "cancelled"),
    ]
    assert [runner.id for runner in session.runners] == [staff.id]
