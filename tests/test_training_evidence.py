"""Training done elsewhere: volunteers upload evidence, staff verify or reject it or record the
training themselves. Uploads are real files through the test client, checked by what they
contain; the evidence reaches only its own volunteer and hub staff."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import (
    make_admin,
    make_course,
    make_organisation,
    make_record,
    make_staff,
    make_user,
)
from tests.helpers import link_in, outbox, row_counts, tiny_image, tiny_pdf
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.clock import add_months, local_today
from volunteer_hub.extensions import db as _db
from volunteer_hub.files import MAX_BYTES, StoredFile
from volunteer_hub.training.models import Course, RecordStatus, TrainingRecord
from volunteer_hub.training.records import held_courses

SUBMIT = "/me/training/submit"
QUEUE = "/staff/training/evidence"


# --- Files ---------------------------------------------------------------------------------------


# --- Helpers -------------------------------------------------------------------------------------


def days_ago(days: int) -> date:
    return local_today() - timedelta(days=days)


def send(
    client: FlaskClient,
    course: Course,
    data: bytes | None,
    filename: str = "certificate.pdf",
    browser_type: str = "application/octet-stream",
    **fields: Any,
) -> Any:
    form: dict[str, Any] = {
        "course": str(course.id),
        "completed_on": days_ago(30).isoformat(),
        "note": "Done at my employer's",
    }
    if data is not None:
        form["evidence"] = FileStorage(io.BytesIO(data), filename, content_type=browser_type)
    return post_multipart(client, SUBMIT, form | fields)


def post_multipart(client: FlaskClient, url: str, form: dict[str, Any]) -> Any:
    """POST `form` as a browser does a form with a file. The body is built in memory: the test
    client's own encoder spools a large one to a temporary file it never closes."""
    boundary, body = encode_multipart(form)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def field_error(page: str, field: str) -> str:
    """The error shown beside `field`, as plain text ('' when none)."""
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def actions(db: Any) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def only_record(db: Any) -> TrainingRecord:
    return db.session.scalars(sa.select(TrainingRecord)).one()


def pending_record(volunteer: User, course: Course, data: bytes | None = None) -> TrainingRecord:
    """A submission waiting for a decision, with a real PDF as its evidence."""
    data = data or tiny_pdf()
    evidence = StoredFile(
        owner_id=volunteer.id,
        filename="certificate.pdf",
        content_type="application/pdf",
        size=len(data),
        data=data,
    )
    return make_record(
        volunteer,
        course,
        completed_on=days_ago(20),
        source="submitted",
        status="pending",
        evidence=evidence,
    )


def client_for(app: Any, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(_db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", record)


# --- Submitting ----------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, db):
    record = pending_record(make_user(), make_course())
    for url in (
        SUBMIT,
        f"/training/records/{record.id}/evidence",
        QUEUE,
        f"/staff/training/records/{record.id}",
        f"/staff/volunteers/{record.volunteer_id}/training/new",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


def test_the_form_offers_courses_that_are_not_archived(client, login_as, db):
    make_course(title="First aid at work")
    make_course(title="Old fire safety", archived=True)
    login_as(make_user())
    response = client.get(SUBMIT)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert "PDF, JPEG or PNG, up to 5 MB" in page
    assert "First aid at work" in page
    assert "Old fire safety" not in page


def test_a_pdf_is_stored_as_a_pending_submission(client, login_as, db):
    volunteer = make_user()
    course = make_course(title="Food hygiene level 2", validity_months=36)
    login_as(volunteer)
    data = tiny_pdf()
    response = send(client, course, data, filename="../../My certificate.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/training"
    record = only_record(db)
    assert (record.status, record.source) == ("pending", "submitted")
    assert record.volunteer_id == volunteer.id
    assert record.completed_on == days_ago(30)
    assert record.expires_on == add_months(days_ago(30), 36)
    assert record.note == "Done at my employer's"
    stored = db.session.get(StoredFile, record.evidence_id)
    assert stored.content_type == "application/pdf"
    assert stored.owner_id == volunteer.id
    assert stored.size == len(data) and stored.data == data
    assert stored.filename == "My_certificate.pdf"
    assert actions(db)[-1] == "training.submitted"
    assert held_courses([volunteer.id], local_today())[volunteer.id] == set()  # not yet


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg")],
)
def test_an_image_is_stored_with_the_type_its_content_shows(
    client, login_as, db, kind, content_type, extension
):
    """The browser's name and type are ignored: an image called `.pdf` is stored as the image."""
    login_as(make_user())
    response = send(
        client,
        make_course(),
        tiny_image(kind),
        filename="scan.pdf",
        browser_type="application/pdf",
    )
    assert response.status_code == 302
    stored = db.session.get(StoredFile, only_record(db).evidence_id)
    assert stored.content_type == content_type
    assert stored.filename == f"scan.{extension}"


def huge_png_header() -> bytes:
    """A PNG whose header claims 100,000 by 100,000 pixels: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


BAD_FILES = {
    "text renamed .pdf": (b"I promise I did the course.\n", "certificate.pdf", "PDF, JPEG or PNG"),
    "HTML named .png": (
        b"<html><script>alert(1)</script></html>",
        "certificate.png",
        "PDF, JPEG or PNG",
    ),
    "truncated PNG": (tiny_image("PNG")[:40], "certificate.png", "cannot be opened"),
    "PDF header, no PDF": (b"%PDF-1.7\nnot really\n", "certificate.pdf", "cannot be opened"),
    "empty file": (b"", "certificate.pdf", "The file is empty"),
    "PNG claiming to be huge": (huge_png_header(), "certificate.png", "too large to open"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_file_that_is_not_really_a_pdf_or_image_is_refused(client, login_as, db, name):
    data, filename, words = BAD_FILES[name]
    course = make_course()
    login_as(make_user())
    before = row_counts()
    response = send(client, course, data, filename=filename, browser_type="application/pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert words in field_error(page, "evidence")
    assert "There is a problem" in page
    assert row_counts() == before


def test_a_file_over_5_mb_is_refused_beside_the_field(client, login_as, db):
    course = make_course()
    login_as(make_user())
    before = row_counts()
    too_big = tiny_pdf() + b"\0" * MAX_BYTES
    response = send(client, course, too_big)
    assert response.status_code == 422
    assert "5 MB or smaller" in field_error(response.get_data(as_text=True), "evidence")
    assert row_counts() == before


def test_a_request_over_6_mb_gets_the_too_large_page(client, login_as, db):
    course = make_course()
    login_as(make_user())
    before = row_counts()
    response = send(client, course, b"%PDF-" + b"\0" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert "too big for us to accept" in response.get_data(as_text=True)
    assert row_counts() == before


def test_the_form_says_what_is_missing(client, login_as, db):
    make_course()
    login_as(make_user())
    before = row_counts()
    response = post_multipart(client, SUBMIT, {"probe": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "course") == "Error: Choose the course"
    assert "Enter the date the course was completed" in field_error(page, "completed_on")
    assert "Choose the file" in field_error(page, "evidence")
    assert row_counts() == before


def test_a_date_in_the_future_or_an_archived_course_is_refused(client, login_as, db):
    archived = make_course(archived=True)
    course = make_course()
    login_as(make_user())
    before = row_counts()
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = send(client, course, tiny_pdf(), completed_on=tomorrow)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "today or in the past" in field_error(page, "completed_on")
    assert "Choose your file again" in page
    response = send(client, archived, tiny_pdf())
    assert response.status_code == 422
    assert "Choose a course from the list" in field_error(response.get_data(as_text=True), "course")
    assert row_counts() == before


def test_a_second_submission_of_the_same_course_waits_for_the_first(client, login_as, db):
    volunteer = make_user()
    course = make_course(title="Manual handling")
    pending_record(volunteer, course)
    login_as(volunteer)
    before = row_counts()
    response = send(client, course, tiny_pdf())
    assert response.status_code == 422
    assert "already sent evidence of “Manual handling”" in response.get_data(as_text=True)
    assert row_counts() == before


# --- Downloading ---------------------------------------------------------------------------------


def test_only_the_volunteer_and_staff_can_download_the_evidence(app, db):
    owner = make_user()
    other = make_user()
    coordinator = make_user()
    make_organisation(manager=coordinator)
    data = tiny_pdf()
    record = pending_record(owner, make_course(), data)
    url = f"/training/records/{record.id}/evidence"
    for user in (owner, make_staff(), make_admin()):
        response = client_for(app, user).get(url)
        assert response.status_code == 200, user
        assert response.data == data
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == 'attachment; filename="certificate.pdf"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-store"
    for user in (other, coordinator):
        response = client_for(app, user).get(url)
        assert response.status_code == 404, user
        assert data not in response.data
    missing = client_for(app, other).get(f"/training/records/{record.id + 1000}/evidence")
    assert missing.status_code == 404


def test_a_record_without_evidence_has_nothing_to_download(app, db):
    record = make_record(make_user(), make_course(), completed_on=days_ago(5))
    response = client_for(app, make_staff()).get(f"/training/records/{record.id}/evidence")
    assert response.status_code == 404


# --- Staff: the queue and decisions --------------------------------------------------------------


def test_the_queue_lists_waiting_submissions_oldest_first(client, login_as, db):
    first = pending_record(make_user(name="Aisha Khan"), make_course(title="Safeguarding adults"))
    second = pending_record(make_user(name="Ben Jones"), make_course(title="First aid"))
    make_record(make_user(name="Cleo Verified"), make_course(), completed_on=days_ago(3))
    first.created_at, second.created_at = second.created_at, first.created_at - timedelta(days=1)
    db.session.commit()
    login_as(make_staff())
    page = client.get(QUEUE).get_data(as_text=True)
    assert page.index("Ben Jones") < page.index("Aisha Khan")
    assert "Cleo Verified" not in page
    assert f"/staff/training/records/{first.id}" in page
    assert 'class="table-responsive hub-scroll"' in page


def test_the_queue_shows_20_a_page_in_a_fixed_number_of_statements(client, login_as, db):
    login_as(make_staff())
    counts = []
    for size in (5, 21):
        while db.session.scalar(sa.select(sa.func.count()).select_from(TrainingRecord)) < size:
            pending_record(make_user(), make_course())
        db.session.close()
        with counting_statements() as statements:
            response = client.get(QUEUE)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    page = response.get_data(as_text=True)
    assert page.count("/staff/training/records/") == 20
    assert "Page 1 of 2" in page
    second = client.get(f"{QUEUE}?page=2").get_data(as_text=True)
    assert second.count("/staff/training/records/") == 1


def test_volunteers_and_coordinators_cannot_use_the_staff_pages(app, db):
    volunteer = make_user()
    coordinator = make_user()
    make_organisation(manager=coordinator)
    record = pending_record(volunteer, make_course())
    before = row_counts()
    for user in (volunteer, coordinator):
        client = client_for(app, user)
        assert client.get(QUEUE).status_code == 403
        assert client.get(f"/staff/training/records/{record.id}").status_code == 403
        response = client.post(f"/staff/training/records/{record.id}", data={"decision": "verify"})
        assert response.status_code == 403
        assert client.get(f"/staff/volunteers/{volunteer.id}/training/new").status_code == 403
    assert row_counts() == before
    assert db.session.get(TrainingRecord, record.id).status == "pending"


def test_staff_verify_a_submission_and_it_counts(client, login_as, db):
    volunteer = make_user(name="Dev Patel", email="dev@example.org")
    course = make_course(title="Food hygiene level 2")
    record = pending_record(volunteer, course)
    staff = make_staff()
    login_as(staff)
    review = client.get(f"/staff/training/records/{record.id}").get_data(as_text=True)
    assert "Dev Patel" in review and f"/training/records/{record.id}/evidence" in review
    response = client.post(f"/staff/training/records/{record.id}", data={"decision": "verify"})
    assert response.status_code == 302
    record = db.session.get(TrainingRecord, record.id)
    assert record.status == RecordStatus.VERIFIED
    assert record.decided_by_id == staff.id and record.decided_at is not None
    assert held_courses([volunteer.id], local_today())[volunteer.id] == {course.id}
    assert actions(db)[-1] == "training.verified"
    (email,) = outbox(to="dev@example.org")
    assert email.subject == "Your training is verified: “Food hygiene level 2”"
    assert link_in(email) == "/me/training"


def test_staff_reject_a_submission_with_a_reason(client, login_as, db):
    volunteer = make_user(email="erin@example.org")
    course = make_course(title="Manual handling")
    record = pending_record(volunteer, course)
    login_as(make_staff())
    url = f"/staff/training/records/{record.id}"
    before = row_counts()
    response = client.post(url, data={"decision": "reject", "reason": "   "})
    assert response.status_code == 422
    assert "Enter the reason" in field_error(response.get_data(as_text=True), "reason")
    assert row_counts() == before
    assert db.session.get(TrainingRecord, record.id).status == "pending"
    reason = "The certificate is for a different person."
    response = client.post(url, data={"decision": "reject", "reason": reason})
    assert response.status_code == 302
    record = db.session.get(TrainingRecord, record.id)
    assert (record.status, record.reject_reason) == ("rejected", reason)
    assert held_courses([volunteer.id], local_today())[volunteer.id] == set()
    assert actions(db)[-1] == "training.rejected"
    (email,) = outbox(to="erin@example.org")
    assert email.subject == "About the training you sent us: “Manual handling”"
    assert reason in email.body_text
    assert link_in(email) == "/me/training"


def test_a_decided_record_cannot_be_decided_again(client, login_as, db):
    record = pending_record(make_user(), make_course())
    login_as(make_staff())
    url = f"/staff/training/records/{record.id}"
    assert client.post(url, data={"decision": "verify"}).status_code == 302
    before = row_counts()
    response = client.post(url, data={"decision": "reject", "reason": "Changed my mind"})
    assert response.status_code == 422
    assert "already been decided" in response.get_data(as_text=True)
    assert row_counts() == before
    assert db.session.get(TrainingRecord, record.id).status == "verified"


def test_a_post_without_a_decision_changes_nothing(client, login_as, db):
    record = pending_record(make_user(), make_course())
    login_as(make_staff())
    before = row_counts()
    response = client.post(f"/staff/training/records/{record.id}", data={"probe": "1"})
    assert response.status_code == 422
    assert "Choose whether to verify or reject" in response.get_data(as_text=True)
    assert row_counts() == before


# --- Staff: recording training done elsewhere ----------------------------------------------------


def test_staff_record_training_done_elsewhere(client, login_as, db):
    volunteer = make_user()
    course = make_course(title="Mental health first aid", validity_months=None)
    staff = make_staff()
    login_as(staff)
    url = f"/staff/volunteers/{volunteer.id}/training/new"
    assert client.get(url).status_code == 200
    before = row_counts()
    assert client.post(url, data={"probe": "1"}).status_code == 422
    assert row_counts() == before
    data = {"course": str(course.id), "completed_on": days_ago(100).isoformat(), "note": "NHS"}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/volunteers/{volunteer.id}"
    record = only_record(db)
    assert (record.status, record.source) == ("verified", "recorded")
    assert record.recorded_by_id == staff.id and record.expires_on is None
    assert record.evidence_id is None
    assert held_courses([volunteer.id], local_today())[volunteer.id] == {course.id}
    assert actions(db)[-1] == "training.recorded"


def test_recording_for_an_unknown_person_is_not_found(client, login_as, db):
    login_as(make_staff())
    assert client.get("/staff/volunteers/999999/training/new").status_code == 404
    assert client.post("/staff/volunteers/999999/training/new", data={}).status_code == 404
