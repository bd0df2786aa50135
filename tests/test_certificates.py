"""Certificates: issued once for each milestone and training completion, drawn as real PDFs
(read back with pypdf: A4 landscape, fonts embedded, every character of the name drawn with
a glyph, a QR code that decodes to the verification address), checked in public by code,
revoked by staff, and revoked with the name blanked when the account is erased."""

from __future__ import annotations

import io
import logging
import os
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask_migrate import upgrade
from PIL import Image
from pyzbar import pyzbar

from tests.conftest import make_app
from tests.factories import (
    make_admin,
    make_course,
    make_hours,
    make_placement,
    make_record,
    make_session,
    make_staff,
    make_user,
)
from tests.helpers import tiny_image, tiny_pdf
from tests.pdfs import drawn_characters, fonts_of_page, is_a4_landscape, page_images, page_text
from tests.test_query_counts import sign_in, statements_for
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.certificates import services
from volunteer_hub.certificates.models import Certificate, CertificateDesign
from volunteer_hub.certificates.rendering import certificates_pdf
from volunteer_hub.extensions import db as _db
from volunteer_hub.hours import services as hours_services
from volunteer_hub.hours.models import Milestone
from volunteer_hub.pdf import FONTS, PackageFetcher, check_fonts, installed_families, missing_fonts
from volunteer_hub.privacy import erase_account
from volunteer_hub.reference.models import Setting
from volunteer_hub.training import services as training
from volunteer_hub.training.evidence import record_elsewhere, submit_training, verify_record
from volunteer_hub.training.models import BookingStatus, TrainingBooking

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
TODAY = date(2026, 11, 20)

# Names each font package must draw; the scripts beyond DejaVu's only where Noto is installed.
ALWAYS = {
    "accents": "Zoë Ålvarez-Ødegård Çelik",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "cyrillic": "Анастасия Жукова",
}
WHERE_INSTALLED = {
    "chinese": ("王小明", "Noto Sans CJK SC"),
    "arabic": ("محمد عبد الله", "Noto Sans Arabic"),
    "devanagari": ("प्रिया शर्मा", "Noto Sans Devanagari"),
}


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def certificate_for(user, **fields) -> Certificate:
    certificate = Certificate(
        kind=fields.pop("kind", "milestone"),
        recipient_id=user.id,
        recipient_name=fields.pop("recipient_name", user.name),
        title=fields.pop("title", "50 hours of volunteering"),
        issued_on=fields.pop("issued_on", TODAY),
        issuer="Riverside Volunteer Hub",
        **fields,
    )
    _db.session.add(certificate)
    _db.session.commit()
    return certificate


def certificates_of(user) -> list[Certificate]:
    return list(
        _db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.recipient_id == user.id)
            .order_by(Certificate.id)
        )
    )


# Issuing


def test_a_milestone_certificate_is_issued_once_when_the_milestone_is_crossed(frozen, db):
    _db.session.merge(Setting(key="milestone_hours", value="10, 20"))
    placement = make_placement()
    volunteer = placement.volunteer
    entry = make_hours(placement, TODAY - timedelta(days=5), 40, status="approved")
    (certificate,) = certificates_of(volunteer)
    assert certificate.kind == "milestone" and certificate.title == "10 hours of volunteering"
    assert certificate.recipient_name == volunteer.name and certificate.issued_on == TODAY
    assert certificate.milestone_id is not None and len(certificate.code) >= 22
    staff = make_staff()
    hours_services.reverse(entry, staff, "Logged twice")
    hours_services.decide(entry, "approve", staff)
    _db.session.commit()
    assert len(certificates_of(volunteer)) == 1  # the milestone was reached once
    make_hours(placement, TODAY - timedelta(days=4), 4, status="approved")
    assert len(certificates_of(volunteer)) == 1  # 11 hours: no milestone crossed
    make_hours(placement, TODAY - timedelta(days=3), 40, status="approved")
    assert [c.title for c in certificates_of(volunteer)] == [
        "10 hours of volunteering",
        "20 hours of volunteering",
    ]


def test_training_completions_are_certified_once_whichever_way_they_are_recorded(frozen, db):
    volunteer, staff = make_user(name="Tom Trainee"), make_staff()
    course = make_course(title="Food hygiene level 2")
    record_elsewhere(volunteer, course, TODAY - timedelta(days=30), staff, "At college")
    submitted = submit_training(
        volunteer, make_course(title="First aid"), TODAY, "fa.pdf", tiny_pdf(), "At work"
    )
    _db.session.commit()
    assert [c.title for c in certificates_of(volunteer)] == [
        "Training completed: Food hygiene level 2"
    ]  # the submission waits for staff
    verify_record(submitted, staff)
    _db.session.commit()
    titles = [c.title for c in certificates_of(volunteer)]
    assert titles[-1] == "Training completed: First aid" and len(titles) == 2
    assert services.issue_for_training(submitted) is None  # never twice


def test_the_register_certifies_attendance_and_a_correction_revokes_it(db):
    volunteer, staff = make_user(), make_staff()
    start = NOW - timedelta(hours=4)
    session = make_session(make_course(title="Lone working"), starts_at=start)
    booking = TrainingBooking(session=session, volunteer=volunteer)
    _db.session.add(booking)
    _db.session.commit()
    with time_machine.travel(NOW, tick=False):
        training.mark_attendance(booking, BookingStatus.ATTENDED, staff)
        _db.session.commit()
        (certificate,) = certificates_of(volunteer)
        assert certificate.title == "Training completed: Lone working"
        assert not certificate.is_revoked
        training.mark_attendance(booking, BookingStatus.NO_SHOW, staff)
        _db.session.commit()
    _db.session.refresh(certificate)
    assert certificate.is_revoked and "did not attend" in certificate.revoked_reason
    assert certificate.training_record_id is None  # the record is gone; the code still answers


# The PDF


def _read_back(pdf: bytes, name: str, url: str) -> None:
    assert len(page_text(pdf)) == 1
    assert is_a4_landscape(pdf)
    fonts = fonts_of_page(pdf)
    assert fonts and all(font.embedded for font in fonts), fonts
    text = "".join(page_text(pdf)[0].split())
    assert "".join(name.split()) in text or all(char in text for char in name if char != " ")
    assert url in text
    missing = [char for char in name if not char.isspace() and char not in drawn_characters(pdf)]
    assert not missing, f"drawn without a glyph: {missing}"
    (qr,) = [image for image in page_images(pdf) if image.startswith(b"\x89PNG")]
    (decoded,) = pyzbar.decode(Image.open(io.BytesIO(qr)))
    assert decoded.data.decode() == url


@pytest.mark.parametrize("script", sorted(ALWAYS))
def test_the_pdf_draws_latin_greek_and_cyrillic_names_with_embedded_fonts(
    app, client, login_as, db, script
):
    volunteer = make_user(name=ALWAYS[script])
    certificate = certificate_for(volunteer)
    response = login_as(volunteer).get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    url = f"{app.config['HUB_BASE_URL']}/certificates/{certificate.code}"
    _read_back(response.data, volunteer.name, url)


@pytest.mark.parametrize("script", sorted(WHERE_INSTALLED))
def test_the_pdf_draws_other_scripts_where_noto_is_installed(app, db, script):
    name, family = WHERE_INSTALLED[script]
    if family not in installed_families():
        reason = f"{family} is not installed (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    certificate = certificate_for(make_user(name=name), recipient_name=name)
    with app.test_request_context():
        pdf = certificates_pdf([certificate])
    _read_back(pdf, name, f"{app.config['HUB_BASE_URL']}/certificates/{certificate.code}")


def test_the_glyph_check_catches_a_character_no_font_has(app, db):
    """The check above is not vacuous: a private-use character has no glyph anywhere."""
    certificate = certificate_for(make_user(), recipient_name="Ann \ue000 Able")
    with app.test_request_context():
        pdf = certificates_pdf([certificate])
    assert "A" in drawn_characters(pdf) and "\ue000" not in drawn_characters(pdf)


def test_many_certificates_render_as_one_document_in_order(app, db):
    people = [make_user(name=f"Person {number}") for number in range(3)]
    certificates = [certificate_for(person) for person in people]
    with app.test_request_context():
        pdf = certificates_pdf(certificates)
    texts = page_text(pdf)
    assert len(texts) == 3 and is_a4_landscape(pdf)
    assert [f"Person {number}" in text for number, text in enumerate(texts)] == [True] * 3


def test_the_pdf_fetcher_reads_only_the_packages_own_files(app):
    fetcher = PackageFetcher()
    for url in ("http://example.org/logo.png", "https://example.org/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = app.root_path + "/static/css/hub.css"
    assert fetcher.fetch("file://" + css) is not None


def test_missing_fonts_are_named_with_their_debian_package(app, caplog):
    assert missing_fonts(frozenset(font.family for font in FONTS)) == []
    missing = missing_fonts(frozenset({"DejaVu Serif", "Noto Sans Arabic"}))
    assert {font.package for font in missing if font.required} == {"fonts-dejavu-core"}
    with caplog.at_level(logging.INFO):
        check_fonts(app)
    for font in missing_fonts():
        assert font.package in caplog.text
    assert all(f.family in installed_families() for f in FONTS if f.required)


# Checking, downloading and revoking


def test_the_public_check_confirms_a_certificate_or_says_it_is_unknown(client, db):
    certificate = certificate_for(make_user(name="Ann Able"), issued_on=date(2026, 3, 4))
    page = client.get(f"/certificates/{certificate.code}")
    assert page.status_code == 200
    for words in ("genuine", "Ann Able", "50 hours of volunteering", "4 March 2026"):
        assert words in page.text
    assert "Riverside Volunteer Hub" in page.text
    unknown = client.get("/certificates/" + "x" * 22)
    assert unknown.status_code == 404 and "No certificate has this code" in unknown.text
    assert client.get("/certificates/" + "x" * 500).status_code == 404


def test_only_the_recipient_and_staff_may_download(client, login_as, db):
    owner, other = make_user(), make_user()
    certificate = certificate_for(owner)
    url = f"/certificates/{certificate.code}.pdf"
    assert client.get(url).status_code == 302  # sign in first
    assert login_as(other).get(url).status_code == 404
    assert login_as(make_staff()).get(url).status_code == 200
    assert login_as(owner).get(url).status_code == 200


def test_staff_revoke_with_a_reason_and_the_code_then_says_so(client, login_as, db):
    owner, staff = make_user(), make_staff()
    certificate = certificate_for(owner)
    signed_in = login_as(staff)
    refused = signed_in.post(f"/certificates/{certificate.code}/revoke", data={"reason": " "})
    assert refused.status_code == 422 and "Enter the reason" in refused.text
    _db.session.refresh(certificate)
    assert not certificate.is_revoked
    done = signed_in.post(
        f"/certificates/{certificate.code}/revoke", data={"reason": "Issued to the wrong person"}
    )
    assert done.status_code == 302
    page = client.get(f"/certificates/{certificate.code}")
    assert "was revoked" in page.text and "Issued to the wrong person" in page.text
    again = signed_in.post(f"/certificates/{certificate.code}/revoke", data={"reason": "Again"})
    assert again.status_code == 409
    (event,) = _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
    ).all()
    assert event.actor_id == staff.id and event.detail == {"code": certificate.code}
    assert login_as(owner).get(f"/certificates/{certificate.code}.pdf").status_code == 410


def test_erasing_the_account_revokes_its_certificates_and_blanks_the_name(client, db):
    owner = make_user(name="Erin Erased")
    certificate = certificate_for(owner)
    record = certificate_for(owner, kind="service", detail="9 hours", content={"roles": ["x"]})
    erase_account(owner, None)
    _db.session.commit()
    _db.session.refresh(certificate)
    _db.session.refresh(record)
    assert certificate.is_revoked and certificate.recipient_name == ""
    assert record.is_revoked and (record.detail, record.content) == ("", None)
    page = client.get(f"/certificates/{certificate.code}")
    assert "was revoked" in page.text and "Erin Erased" not in page.text


def test_volunteers_find_their_certificates_on_me(client, login_as, db):
    owner = make_user()
    certificate_for(owner, title="Training completed: Lone working")
    certificate_for(make_user(), title="Someone else's")
    me = login_as(owner).get("/me")
    assert "Training completed: Lone working" in me.text and "Someone else" not in me.text
    for number in range(25):
        certificate_for(owner, title=f"Certificate {number}")
    signed_in = sign_in(client, owner)
    assert "Pages of certificates" in signed_in.get("/me/certificates").text
    owner_id = owner.id
    few = statements_for(signed_in, "/me/certificates?page=2")
    owner = _db.session.get(User, owner_id)
    for number in range(100):
        certificate_for(owner, title=f"More {number}")
    many = statements_for(signed_in, "/me/certificates?page=2")
    assert len(many) == len(few) <= 4, many


def test_staff_find_certificates_by_name_title_or_code(client, login_as, db):
    wanted = certificate_for(make_user(name="Priya Shah"))
    certificate_for(make_user(name="Dan Other"))
    signed_in = login_as(make_staff())
    assert "Priya Shah" in signed_in.get("/staff/certificates?q=priya").text
    by_code = signed_in.get(f"/staff/certificates?q={wanted.code}").text
    assert "Priya Shah" in by_code and "Dan Other" not in by_code


def test_upgrading_issues_certificates_once_for_what_was_recorded_before(tmp_path, instance_path):
    """Milestones and verified training recorded before certificates existed get one each
    when the migration runs (none for an erased account, nor for training not verified);
    the app then finds nothing left to issue."""
    fresh = make_app(f"sqlite:///{tmp_path / 'before.sqlite3'}", instance_path)
    with fresh.app_context():
        upgrade(revision="d8572a60c46d")  # the schema before certificates
        volunteer = make_user(name="Ola Older")
        erased = make_user(name="Gone Person")
        erased.deleted_at = NOW
        course = make_course(title="Manual handling")
        make_record(volunteer, course, completed_on=date(2025, 6, 2))
        make_record(volunteer, course, completed_on=date(2025, 7, 2), status="pending")
        reached = datetime.fromisoformat("2025-03-31T23:30:00+00:00")  # 1 April in London
        for person, hours in ((volunteer, 50), (volunteer, 100), (erased, 50)):
            _db.session.add(Milestone(volunteer_id=person.id, hours=hours, reached_at=reached))
        _db.session.commit()
        upgrade()
        issued = _db.session.execute(
            sa.select(
                Certificate.title, Certificate.issued_on, Certificate.recipient_name
            ).order_by(Certificate.kind, Certificate.title)
        ).all()
        assert issued == [
            ("100 hours of volunteering", date(2025, 4, 1), "Ola Older"),
            ("50 hours of volunteering", date(2025, 4, 1), "Ola Older"),
            ("Training completed: Manual handling", date(2025, 6, 2), "Ola Older"),
        ]
        codes = _db.session.scalars(sa.select(Certificate.code)).all()
        assert len(set(codes)) == 3 and all(len(code) >= 22 for code in codes)
        assert services.issue_missing() == 0
        _db.session.remove()
        _db.engine.dispose()


# The record of service


def test_a_volunteer_downloads_a_verifiable_record_of_their_volunteering(
    app, client, login_as, frozen, db
):
    _db.session.merge(Setting(key="milestone_hours", value="10"))
    placement = make_placement(approved_at=datetime.fromisoformat("2025-05-01T09:00:00+00:00"))
    volunteer = placement.volunteer
    make_hours(placement, date(2025, 6, 1), 24, status="approved")
    make_hours(placement, TODAY - timedelta(days=2), 20, status="approved")
    make_hours(placement, TODAY - timedelta(days=1), 8)  # waiting: not on the record
    record_elsewhere(volunteer, make_course(title="Manual handling"), TODAY, make_staff(), "")
    _db.session.commit()
    signed_in = login_as(volunteer)
    response = signed_in.post("/me/service-record")
    assert response.status_code == 302
    pdf = signed_in.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page_text(pdf.data))
    for words in (volunteer.name, placement.role.title, "Manual handling", "11 hours"):
        assert words in text, words
    assert "2025" in text and "6 hours" in text and "5 hours" in text  # by year
    assert "1 May 2025" in text  # the role's first day
    (record,) = [c for c in certificates_of(volunteer) if c.kind == "service"]
    url = f"{app.config['HUB_BASE_URL']}/certificates/{record.code}"
    (qr,) = [image for image in page_images(pdf.data) if image.startswith(b"\x89PNG")]
    assert pyzbar.decode(Image.open(io.BytesIO(qr)))[0].data.decode() == url
    assert "11 hours verified" in client.get(f"/certificates/{record.code}").text
    again = signed_in.post("/me/service-record")  # nothing changed: the same record
    assert again.headers["Location"] == response.headers["Location"]
    make_hours(placement, TODAY, 4, status="approved")
    changed = signed_in.post("/me/service-record")
    assert changed.headers["Location"] != response.headers["Location"]


# The design


def design_form(**values) -> dict:
    return {
        "hub_name": "Stockport CVS",
        "primary_colour": "#1d4f91",
        "accent_colour": "#7a4e00",
        "signatory_name": "Jo Lead",
        "signatory_title": "Volunteer Hub Lead",
        **values,
    }


def test_admins_preview_the_design_before_saving_it(app, client, login_as, db):
    admin = login_as(make_admin())
    assert admin.get("/staff/certificates/design").status_code == 200
    logo = (io.BytesIO(tiny_image("PNG")), "logo.png")
    preview = admin.post(
        "/staff/certificates/design",
        data=design_form(action="preview", logo=logo),
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    text = page_text(preview.data)[0]
    assert "STOCKPORT CVS" in text and "Jo Lead" in text and "Sam Sample" in text
    assert len(page_images(preview.data)) == 2  # the logo and the QR code
    assert _db.session.get(CertificateDesign, 1) is None  # nothing saved


def test_a_saved_design_is_on_every_certificate_and_audited(app, client, login_as, db):
    admin = make_admin()
    saved = login_as(admin).post(
        "/staff/certificates/design",
        data=design_form(action="save", signature=(io.BytesIO(tiny_image("JPEG")), "s.jpg")),
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    design = _db.session.get(CertificateDesign, 1)
    assert design.signatory_title == "Volunteer Hub Lead" and design.signature is not None
    owner = make_user(name="Ann Able")
    certificate = certificate_for(owner)
    pdf = login_as(owner).get(f"/certificates/{certificate.code}.pdf").data
    text = page_text(pdf)[0]
    assert "STOCKPORT CVS" in text and "Volunteer Hub Lead" in text
    assert len(page_images(pdf)) == 2  # the signature and the QR code
    actions = _db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "certificate_design.updated" in actions


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"primary_colour": "#ffff00"}, "Choose a darker colour"),
        ({"accent_colour": "blue"}, "Enter a colour as #"),
        ({"logo": (io.BytesIO(tiny_pdf()), "logo.pdf")}, "not a PDF"),
        ({"logo": (io.BytesIO(b"not a picture"), "logo.png")}, "must be a PDF, JPEG or PNG"),
        ({"hub_name": "x" * 201}, "200 characters"),
    ],
)
def test_a_bad_design_is_refused_beside_its_field_and_nothing_is_saved(
    client, login_as, db, values, message
):
    response = login_as(make_admin()).post(
        "/staff/certificates/design",
        data=design_form(action="save", **values),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and message in response.text
    assert "There is a problem" in response.text
    assert _db.session.get(CertificateDesign, 1) is None
