"""Bad input on every form gives field errors and writes nothing.

For each form a realistic mistake is posted; the answer must be 422 (401 for a wrong sign-in),
with the error summary at the top, the field's message in its `<field>-error` block beside it,
what the person typed kept in the form (never a password), and no row written anywhere.
Hostile input (random text from hypothesis) must never give a 500; a POST without a CSRF token
is refused.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    PASSWORD,
    make_admin,
    make_category,
    make_check,
    make_locality,
    make_skill,
    make_staff,
    make_user,
)
from tests.helpers import row_counts
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.auth.tokens import make_token
from volunteer_hub.reference.settings import SPECS
from volunteer_hub.volunteers.models import Check

HOSTILE = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # no example files left in the checkout
)

# --- Valid data for each form, to which one bad value is added --------------------------------


def signup_data(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Siobhan O'Brien",
        "email": "siobhan@example.org",
        "password": "plum kettle harbour",
        "postcode": "SK1 3XE",
        "locality": "",
        "agree_privacy": "y",
    } | overrides


def profile_data(**overrides: Any) -> dict[str, Any]:
    return {
        "phone": "07700 900982",
        "postcode": "SK1 3XE",
        "locality": "",
        "date_of_birth": "1980-03-31",
        "employer": "Stockport Council",
        "availability": ["monday-morning"],
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_contact_relationship": "",
        "contact_by_email": "y",
    } | overrides


def check_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "DBS",
        "level": "enhanced",
        "certificate_number": "001234567891",
        "issued_on": "2025-01-20",
        "update_service": "y",
        "last_status_check_on": "",
    } | overrides


def settings_data(**overrides: Any) -> dict[str, Any]:
    return {spec.key: spec.default for spec in SPECS} | overrides


def iso(days_from_today: int) -> str:
    """A date relative to today, with a margin of days so the time zone never matters."""
    return (date.today() + timedelta(days=days_from_today)).isoformat()


# --- Reading the re-rendered page --------------------------------------------------------------


def field_error(page: str, field_id: str) -> str | None:
    """The text of the error block the form macro renders beside the field, if any."""
    block = re.search(
        rf'<div\b[^>]*\bid="{re.escape(field_id)}-error"[^>]*\bclass="hub-field-error"[^>]*>'
        r"(.*?)</div>",
        page,
        re.S,
    )
    if block is None:
        return None
    return html.unescape(re.sub(r"<[^>]+>", " ", block.group(1)))


def shown_value(page: str, field_id: str) -> str | None:
    """What the re-rendered form holds for a text input, textarea or select."""
    tag = re.search(rf'<input\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', page)
    if tag is not None:
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return html.unescape(value.group(1)) if value else None
    area = re.search(
        rf'<textarea\b[^>]*\bid="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', page, re.S
    )
    if area is not None:
        return html.unescape(area.group(1)).lstrip("\r\n")
    select = re.search(
        rf'<select\b[^>]*\bid="{re.escape(field_id)}"[^>]*>(.*?)</select>', page, re.S
    )
    if select is not None:
        chosen = re.search(r'<option\b[^>]*\bselected\b[^>]*\bvalue="([^"]*)"', select.group(1))
        chosen = chosen or re.search(
            r'<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected', select.group(1)
        )
        return html.unescape(chosen.group(1)) if chosen else None
    return None


def assert_field_problem(response: Any, field_id: str, message: str, status: int = 422) -> str:
    """The answer has `status`, the error summary linking to the field, and `message` in the
    field's own error block. Returns the page."""
    page = response.get_data(as_text=True)
    assert response.status_code == status, (
        f"got {response.status_code} (to {response.headers.get('Location')}), expected {status}"
    )
    assert "There is a problem" in page
    assert re.search(rf'href="#{re.escape(field_id)}(-[\w-]+)?"', page), (
        f"no summary link to {field_id}"
    )
    beside = field_error(page, field_id)
    assert beside is not None, f"no error shown beside {field_id}"
    assert message in beside, f"{message!r} not in the error beside {field_id}: {beside!r}"
    return page


def assert_no_script(page: str) -> None:
    """Markup that was typed in is shown escaped, never as markup."""
    for payload in ("<script>alert", "<img src=x", "<script>"):
        assert payload not in page, f"{payload!r} echoed unescaped"


# --- The scene: who posts, and the objects the forms point at ---------------------------------


@dataclass
class Scene:
    app: Flask
    client: FlaskClient
    volunteer: User
    staff: User
    admin: User
    check: Check
    items: dict[str, Any] = field(default_factory=dict)

    def sign_in(self, who: str | None) -> None:
        if who is None:
            return
        user = getattr(self, who)
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    def url(self, template: str) -> str:
        return template.format(
            volunteer=self.volunteer.id,
            check=self.check.id,
            admin=self.admin.id,
            skill=self.items["skill"].id,
            token=make_token("password-reset", self.volunteer),
        )


@pytest.fixture
def scene(app: Flask, client: FlaskClient, db: Any) -> Scene:
    volunteer = make_user(name="Ann Able", email="ann@example.org")
    staff = make_staff(name="Sam Staff")
    admin = make_admin(name="Ada Admin")
    make_locality("Edgeley")
    make_category("Community libraries")
    make_skill("Bookkeeping")
    make_skill("Écriture")
    return Scene(
        app=app,
        client=client,
        volunteer=volunteer,
        staff=staff,
        admin=admin,
        check=make_check(volunteer, checked_by=staff),
        items={"skill": make_skill("First aid")},
    )


@dataclass(frozen=True)
class Bad:
    """One bad submission: who posts what where, which field must complain and how, and what
    the re-rendered form must still hold (`kept`) or must not echo (`not_echoed`)."""

    url: str
    data: dict[str, Any]
    field: str
    message: str
    who: str | None = None
    kept: dict[str, str] = field(default_factory=dict)
    not_echoed: tuple[str, ...] = ()
    audited: str | None = None  # a security event recorded by design (a wrong password)


LONG_NAME = "Bartholomew " * 17  # 204 characters

BAD_INPUT: dict[str, Bad] = {
    # Sign-up.
    "signup: no name": Bad(
        "/signup",
        signup_data(name=""),
        "name",
        "Enter your name",
        kept={"email": "siobhan@example.org", "postcode": "SK1 3XE"},
        not_echoed=("plum kettle harbour",),
    ),
    "signup: only spaces for a name": Bad(
        "/signup", signup_data(name="   "), "name", "Enter your name"
    ),
    "signup: name too long": Bad(
        "/signup", signup_data(name=LONG_NAME), "name", "must be 200 characters or fewer"
    ),
    "signup: email without an @": Bad(
        "/signup",
        signup_data(email="siobhan at example.org"),
        "email",
        "right format",
        kept={"name": "Siobhan O'Brien", "email": "siobhan at example.org"},
    ),
    "signup: common password": Bad(
        "/signup",
        signup_data(password="password123"),
        "password",
        "too common",
        kept={"name": "Siobhan O'Brien"},
        not_echoed=("password123",),
    ),
    "signup: not a postcode": Bad(
        "/signup",
        signup_data(postcode="XYZ 123"),
        "postcode",
        "real UK postcode",
        kept={"name": "Siobhan O'Brien", "postcode": "XYZ 123"},
    ),
    "signup: unknown area": Bad(
        "/signup", signup_data(locality="999999"), "locality", "Not a valid choice"
    ),
    "signup: privacy notice not agreed": Bad(
        "/signup",
        {k: v for k, v in signup_data().items() if k != "agree_privacy"},
        "agree_privacy",
        "agree to the privacy notice",
        kept={"name": "Siobhan O'Brien"},
    ),
    # Sign-in (a form error, not a failed sign-in: nothing is audited).
    "login: no email": Bad(
        "/login", {"email": "", "password": "whatever it is"}, "email", "Enter your email"
    ),
    "login: email in the wrong format": Bad(
        "/login",
        {"email": "ann@", "password": "whatever it is"},
        "email",
        "right format",
        kept={"email": "ann@"},
        not_echoed=("whatever it is",),
    ),
    "login: no password": Bad(
        "/login",
        {"email": "ann@example.org", "password": ""},
        "password",
        "Enter your password",
        kept={"email": "ann@example.org"},
    ),
    # Verification email sent again; password reset asked for.
    "resend verification: bad email": Bad(
        "/verify/resend",
        {"email": "ann.example.org"},
        "email",
        "right format",
        kept={"email": "ann.example.org"},
    ),
    "password reset request: no email": Bad(
        "/password-reset", {"email": ""}, "email", "Enter your email address"
    ),
    "password reset request: bad email": Bad(
        "/password-reset",
        {"email": "ann@@example.org"},
        "email",
        "right format",
        kept={"email": "ann@@example.org"},
    ),
    # Password reset with a valid link.
    "password reset: too short": Bad(
        "/password-reset/{token}",
        {"password": "short one"},
        "password",
        "at least 10 characters",
        not_echoed=("short one",),
    ),
    "password reset: built on the email": Bad(
        "/password-reset/{token}", {"password": "ann@example.org"}, "password", "name or email"
    ),
    "password reset: empty": Bad(
        "/password-reset/{token}", {"password": ""}, "password", "Enter a password"
    ),
    # Changing the password.
    "change password: wrong current": Bad(
        "/account/password",
        {"current_password": "not it at all", "password": "quiet orchard lantern"},
        "current_password",
        "current password is not right",
        who="volunteer",
        not_echoed=("not it at all", "quiet orchard lantern"),
        audited="password.confirm_failed",
    ),
    "change password: common new one": Bad(
        "/account/password",
        {"current_password": PASSWORD, "password": "iloveyou12"},
        "password",
        "too common",
        who="volunteer",
    ),
    "change password: no current": Bad(
        "/account/password",
        {"current_password": "", "password": "quiet orchard lantern"},
        "current_password",
        "Enter your current password",
        who="volunteer",
    ),
    # Changing the email address.
    "change email: the same address": Bad(
        "/account/email",
        {"email": "ANN@example.org", "current_password": PASSWORD},
        "email",
        "already your email address",
        who="volunteer",
        kept={"email": "ANN@example.org"},
        not_echoed=(PASSWORD,),
    ),
    "change email: bad format": Bad(
        "/account/email",
        {"email": "ann@new", "current_password": PASSWORD},
        "email",
        "right format",
        who="volunteer",
        kept={"email": "ann@new"},
    ),
    "change email: wrong password": Bad(
        "/account/email",
        {"email": "ann.new@example.org", "current_password": "not my password"},
        "current_password",
        "current password is not right",
        who="volunteer",
        kept={"email": "ann.new@example.org"},
        not_echoed=("not my password",),
        audited="password.confirm_failed",
    ),
    # The volunteer profile.
    "profile: not a phone number": Bad(
        "/account/profile",
        profile_data(phone="my mobile"),
        "phone",
        "Enter a phone number",
        who="volunteer",
        kept={"phone": "my mobile", "employer": "Stockport Council"},
    ),
    "profile: no postcode": Bad(
        "/account/profile",
        profile_data(postcode=""),
        "postcode",
        "Enter your postcode",
        who="volunteer",
        kept={"employer": "Stockport Council"},
    ),
    "profile: birthday in the future": Bad(
        "/account/profile",
        profile_data(date_of_birth=iso(30)),
        "date_of_birth",
        "must be in the past",
        who="volunteer",
    ),
    "profile: a date that does not exist": Bad(
        "/account/profile",
        profile_data(date_of_birth="1980-02-30"),
        "date_of_birth",
        "Not a valid date",
        who="volunteer",
        kept={"date_of_birth": "1980-02-30"},
    ),
    "profile: born before 1900": Bad(
        "/account/profile",
        profile_data(date_of_birth="1850-01-01"),
        "date_of_birth",
        "after 1900",
        who="volunteer",
    ),
    "profile: too young": Bad(
        "/account/profile",
        profile_data(date_of_birth=iso(-5 * 365)),
        "date_of_birth",
        "at least 10 years old",
        who="volunteer",
    ),
    "profile: employer too long": Bad(
        "/account/profile",
        profile_data(employer=LONG_NAME),
        "employer",
        "must be 200 characters or fewer",
        who="volunteer",
    ),
    "profile: emergency contact without a phone": Bad(
        "/account/profile",
        profile_data(emergency_contact_name="Bob Able"),
        "emergency_contact_phone",
        "phone number for your emergency contact",
        who="volunteer",
        kept={"emergency_contact_name": "Bob Able"},
    ),
    "profile: unknown skill": Bad(
        "/account/profile",
        profile_data(skills=["999999"]),
        "skills",
        "not a valid choice",
        who="volunteer",
    ),
    "profile: unknown interest": Bad(
        "/account/profile",
        profile_data(interests=["gardening"]),
        "interests",
        "not a valid choice",
        who="volunteer",
    ),
    "profile: unknown time of the week": Bad(
        "/account/profile",
        profile_data(availability=["funday-morning"]),
        "availability",
        "not a valid choice",
        who="volunteer",
    ),
    # Deleting the account.
    "delete account: box not ticked": Bad(
        "/account/delete",
        {"password": PASSWORD},
        "confirm",
        "Tick the box",
        who="volunteer",
        not_echoed=(PASSWORD,),
    ),
    "delete account: wrong password": Bad(
        "/account/delete",
        {"confirm": "y", "password": "not my password"},
        "password",
        "Your password is not right",
        who="volunteer",
        audited="password.confirm_failed",
    ),
    # Staff: recording and correcting a check.
    "record check: certificate number too short": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(certificate_number="12"),
        "certificate_number",
        "6 to 40 characters",
        who="staff",
        kept={"certificate_number": "12", "issued_on": "2025-01-20"},
    ),
    "record check: certificate number with markup": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(certificate_number="<script>alert(1)</script>"),
        "certificate_number",
        "letters, numbers, spaces and hyphens",
        who="staff",
        kept={"certificate_number": "<script>alert(1)</script>"},
    ),
    "record check: certificate number of spaces": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(certificate_number="        "),
        "certificate_number",
        "Enter the certificate number",
        who="staff",
    ),
    "record check: issued in the future": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(issued_on=iso(2)),
        "issued_on",
        "today or in the past",
        who="staff",
    ),
    "record check: unknown kind": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(kind="FBI"),
        "kind",
        "Not a valid choice",
        who="staff",
    ),
    "record check: status check before issue": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(last_status_check_on="2024-12-31"),
        "last_status_check_on",
        "on or after the date issued",
        who="staff",
    ),
    "record check: status check off the Update Service": Bad(
        "/staff/volunteers/{volunteer}/checks/new",
        check_data(last_status_check_on="2025-02-01", update_service=""),
        "last_status_check_on",
        "needs the volunteer to be on the Update Service",
        who="staff",
    ),
    "correct check: certificate number removed": Bad(
        "/staff/checks/{check}/edit",
        check_data(certificate_number=""),
        "certificate_number",
        "Enter the certificate number",
        who="staff",
    ),
    "correct check: date issued not a date": Bad(
        "/staff/checks/{check}/edit",
        check_data(issued_on="14 March"),
        "issued_on",
        "Not a valid date",
        who="staff",
        kept={"issued_on": "14 March", "certificate_number": "001234567891"},
    ),
    # Staff: reference items.
    "new skill: no name": Bad(
        "/staff/reference/skills/new",
        {"name": "", "description": "Helping out", "active": "y"},
        "name",
        "Enter a name",
        who="staff",
        kept={"description": "Helping out"},
    ),
    "new skill: only spaces for a name": Bad(
        "/staff/reference/skills/new",
        {"name": "    ", "description": "", "active": "y"},
        "name",
        "Enter a name",
        who="staff",
    ),
    "new skill: name taken (any case)": Bad(
        "/staff/reference/skills/new",
        {"name": " first AID ", "description": "", "active": "y"},
        "name",
        "There is already a skill with that name",
        who="staff",
        kept={"name": " first AID "},
    ),
    "new skill: name taken, with a capital beyond ASCII": Bad(
        "/staff/reference/skills/new",
        {"name": "Écriture", "description": "", "active": "y"},
        "name",
        "There is already a skill with that name",
        who="staff",
        kept={"name": "Écriture"},
    ),
    "new category: name too long": Bad(
        "/staff/reference/categories/new",
        {"name": "x" * 121, "description": "", "active": "y"},
        "name",
        "must be 120 characters or fewer",
        who="staff",
    ),
    "new locality: description too long": Bad(
        "/staff/reference/localities/new",
        {"name": "Heaton Mersey", "description": "y" * 2001, "active": "y"},
        "description",
        "2,000 characters or fewer",
        who="staff",
        kept={"name": "Heaton Mersey"},
    ),
    "edit skill: renamed to another skill's name": Bad(
        "/staff/reference/skills/{skill}/edit",
        {"name": "bookkeeping", "description": "", "active": "y"},
        "name",
        "There is already a skill with that name",
        who="staff",
        kept={"name": "bookkeeping"},
    ),
    "edit skill: name removed": Bad(
        "/staff/reference/skills/{skill}/edit",
        {"name": "", "description": "New words", "active": "y"},
        "name",
        "Enter a name",
        who="staff",
        kept={"description": "New words"},
    ),
    # Admin: settings and access levels.
    "settings: below the minimum": Bad(
        "/staff/settings",
        settings_data(offer_hours="0"),
        "offer_hours",
        "from 1 to 336",
        who="admin",
        kept={"offer_hours": "0"},
    ),
    "settings: words for a number": Bad(
        "/staff/settings",
        settings_data(dbs_recheck_months="three years"),
        "dbs_recheck_months",
        "Enter a whole number",
        who="admin",
        kept={"dbs_recheck_months": "three years"},
    ),
    "settings: a superscript digit": Bad(
        "/staff/settings",
        settings_data(cancellation_cutoff_hours="²"),
        "cancellation_cutoff_hours",
        "Enter a whole number",
        who="admin",
    ),
    "settings: a milestone twice": Bad(
        "/staff/settings",
        settings_data(milestone_hours="50, 100, 50"),
        "milestone_hours",
        "only once",
        who="admin",
        kept={"milestone_hours": "50, 100, 50"},
    ),
    "settings: left empty": Bad(
        "/staff/settings",
        settings_data(retention_warning_days=""),
        "retention_warning_days",
        "Enter a value",
        who="admin",
    ),
    "access level: the only admin steps down": Bad(
        "/staff/users/{admin}/access",
        {"access_level": "staff"},
        "access_level",
        "at least one admin",
        who="admin",
        kept={"access_level": "staff"},
    ),
    "access level: not a level": Bad(
        "/staff/users/{volunteer}/access",
        {"access_level": "superuser"},
        "access_level",
        "Not a valid choice",
        who="admin",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_gives_field_errors_keeps_the_input_and_writes_nothing(scene, case, db):
    """Each form, given one realistic mistake: 422, the error summary, the message beside the
    field, what was typed still in the form (passwords never echoed), and no row written."""
    scene.sign_in(case.who)
    url = scene.url(case.url)
    before = row_counts()

    response = scene.client.post(url, data=case.data)

    page = assert_field_problem(response, case.field, case.message)
    for field_id, typed in case.kept.items():
        # kept as typed, less the surrounding spaces every text field trims
        assert shown_value(page, field_id) == typed.strip(), f"{field_id} lost what was typed"
    for secret in case.not_echoed:
        assert secret not in page, "a password was echoed back"
    assert_no_script(page)
    expected = dict(before)
    if case.audited:
        expected["audit_events"] += 1
        assert (
            db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1))
            == case.audited
        )
    assert row_counts() == expected


def test_a_wrong_password_at_sign_in_is_401_and_only_audited(scene, db):
    """A failed sign-in says so at the top (not which half was wrong), keeps the email, and
    writes one thing only: the audit event of the failure."""
    before = row_counts()

    response = scene.client.post(
        "/login", data={"email": "ann@example.org", "password": "not the right one"}
    )

    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "email address or password is not right" in page
    assert shown_value(page, "email") == "ann@example.org"
    assert "not the right one" not in page
    after = row_counts()
    assert after["audit_events"] == before["audit_events"] + 1
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }
    assert db.session.scalar(sa.select(AuditEvent.action)) == "login.failed"


def test_bad_input_to_the_password_reset_leaves_the_link_usable(scene):
    """A rejected new password does not use up the reset link."""
    url = scene.url("/password-reset/{token}")
    assert scene.client.post(url, data={"password": "short"}).status_code == 422
    assert scene.client.get(url).status_code == 200
    assert scene.client.post(url, data={"password": "river lantern meadow"}).status_code == 302


def test_deleting_with_bad_input_keeps_the_account(scene, db):
    """After a refused deletion the volunteer is still there and still signed in."""
    scene.sign_in("volunteer")
    scene.client.post("/account/delete", data={"confirm": "y", "password": "wrong"})
    db.session.refresh(scene.volunteer)
    assert scene.volunteer.deleted_at is None
    assert scene.volunteer.profile is not None
    assert scene.client.get("/account").status_code == 200


NUL_INPUT = {
    "signup name": ("POST", "/signup", None, signup_data(name="Ann\x00Able")),
    "profile employer": ("POST", "/account/profile", "volunteer", profile_data(employer="A\x00")),
    "skill name": ("POST", "/staff/reference/skills/new", "staff", {"name": "Knit\x00ting"}),
    "check certificate number": (
        "POST",
        "/staff/volunteers/{volunteer}/checks/new",
        "staff",
        check_data(certificate_number="0012\x0034567"),
    ),
    "volunteer search": ("GET", "/staff/volunteers?q=ann%00", "staff", None),
    "audit filter": ("GET", "/staff/audit?action=login%00", "staff", None),
}


@pytest.mark.parametrize(("method", "url", "who", "data"), NUL_INPUT.values(), ids=NUL_INPUT.keys())
def test_a_nul_character_is_refused_not_a_server_error(scene, method, url, who, data):
    """A NUL character (which PostgreSQL cannot store or compare in text) is refused with 400
    before any view runs, the same on SQLite and PostgreSQL: never a 500, nothing written."""
    scene.sign_in(who)
    before = row_counts()
    response = scene.client.open(scene.url(url), method=method, data=data)
    assert response.status_code == 400
    assert row_counts() == before


# --- Hostile input ------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
NASTY = st.sampled_from(
    [
        "<script>alert('x')</script>",
        '"><img src=x onerror=alert(1)>',
        "' OR 1=1 --",
        "Robert'); DROP TABLE users;--",
        "\x00",
        "%00",
        "../../../etc/passwd",
        "{{ 7*7 }}",
        "\u202egnp.exe",
        "𝕳𝖊𝖑𝖑𝖔 🙂",
        "a" * 5000,
        " ",
        "\r\n\t",
    ]
)
HOSTILE_TEXT = st.one_of(ANY_TEXT, NASTY)


def maybe(valid: Any) -> st.SearchStrategy[Any]:
    """Sometimes the valid value, sometimes hostile text, so bad values reach deep checks."""
    return st.one_of(st.just(valid), HOSTILE_TEXT)


def assert_survives(response: Any, before: dict[str, int]) -> None:
    """Never a 500: a redirect (accepted) or a 4xx that wrote nothing and echoed no markup."""
    assert response.status_code == 302 or 400 <= response.status_code < 500, response.status_code
    if response.status_code != 302:
        assert_no_script(response.get_data(as_text=True))
        assert row_counts() == before


@HOSTILE
@given(
    data=st.fixed_dictionaries(
        {
            "name": maybe("Siobhan O'Brien"),
            "email": maybe("siobhan@example.org"),
            "password": maybe("plum kettle harbour"),
            "postcode": maybe("SK1 3XE"),
            "locality": maybe(""),
            "agree_privacy": maybe("y"),
        }
    )
)
def test_hostile_signup_never_breaks_the_page(client, db, data):
    """Random and hostile text in every sign-up field gives 302 or 4xx, never 500."""
    before = row_counts()
    assert_survives(client.post("/signup", data=data), before)


@HOSTILE
@given(
    data=st.fixed_dictionaries(
        {
            "phone": maybe("07700 900982"),
            "postcode": maybe("SK1 3XE"),
            "locality": maybe(""),
            "date_of_birth": maybe("1980-03-31"),
            "employer": maybe("Stockport Council"),
            "skills": st.lists(HOSTILE_TEXT, max_size=3),
            "interests": st.lists(HOSTILE_TEXT, max_size=3),
            "availability": st.lists(
                st.one_of(st.just("monday-morning"), HOSTILE_TEXT), max_size=3
            ),
            "emergency_contact_name": maybe(""),
            "emergency_contact_phone": maybe(""),
            "emergency_contact_relationship": maybe(""),
            "contact_by_email": maybe("y"),
            "contact_by_sms": maybe(""),
            "marketing": maybe(""),
        }
    )
)
def test_hostile_profile_never_breaks_the_page(scene, data):
    """Random and hostile text in every profile field gives 302 or 4xx, never 500."""
    scene.sign_in("volunteer")
    before = row_counts()
    assert_survives(scene.client.post("/account/profile", data=data), before)


@HOSTILE
@given(
    data=st.fixed_dictionaries(
        {"name": HOSTILE_TEXT, "description": maybe(""), "active": maybe("y")}
    )
)
def test_hostile_reference_item_never_breaks_the_page(scene, data):
    """Random and hostile text for a new skill gives 302 or 4xx, never 500."""
    scene.sign_in("staff")
    before = row_counts()
    assert_survives(scene.client.post("/staff/reference/skills/new", data=data), before)


@HOSTILE
@given(
    data=st.fixed_dictionaries(
        {
            "kind": maybe("DBS"),
            "level": maybe("enhanced"),
            "certificate_number": maybe("001234567891"),
            "issued_on": maybe("2025-01-20"),
            "update_service": maybe("y"),
            "last_status_check_on": maybe(""),
        }
    )
)
def test_hostile_check_never_breaks_the_page(scene, data):
    """Random and hostile text for a check record gives 302 or 4xx, never 500."""
    scene.sign_in("staff")
    before = row_counts()
    assert_survives(
        scene.client.post(scene.url("/staff/volunteers/{volunteer}/checks/new"), data=data), before
    )


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_signup_without_a_csrf_token_is_refused_and_writes_nothing(app, client, db):
    """With CSRF protection on (as in production), a sign-up POST without the token is 400 and
    creates nothing; the same POST with the page's token goes through."""
    before = row_counts()
    refused = client.post("/signup", data=signup_data())
    assert refused.status_code == 400
    assert row_counts() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0

    form = client.get("/signup").get_data(as_text=True)
    token = re.search(r'<input\b[^>]*name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "the sign-up form carries no CSRF token"
    accepted = client.post("/signup", data=signup_data(csrf_token=token.group(1)))
    assert accepted.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_a_forged_token_is_refused_on_staff_forms_too(app, client, db):
    """A staff form POST with a made-up token is refused (400) and writes nothing."""
    staff = make_staff()
    with client.session_transaction() as session:
        session["_user_id"] = staff.get_id()
        session["_fresh"] = True
    before = row_counts()
    response = client.post(
        "/staff/reference/skills/new",
        data={"name": "Lock picking", "active": "y", "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert row_counts() == before
