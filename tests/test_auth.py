"""Sign-up, verification, sign-in and out, password reset, password and email changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import PASSWORD, make_locality, make_user
from tests.helpers import link_in, outbox, row_counts
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.database import utcnow


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "name": "Siobhan O'Brien",
        "email": "Siobhan@Example.org",
        "password": "plum kettle harbour",
        "postcode": "sk13xe",
        "locality": "",
        "agree_privacy": "y",
    } | overrides


def test_signup_creates_an_unverified_member_with_a_profile_and_emails_the_link(client, db):
    locality = make_locality("Edgeley")
    response = client.post("/signup", data=signup_data(locality=str(locality.id)))
    assert response.status_code == 302
    assert response.headers["Location"] == "/signup/check-email"
    user = db.session.scalar(sa.select(User))
    assert user.email == "siobhan@example.org"
    assert user.access_level == "member"
    assert not user.email_verified
    assert user.privacy_accepted_at is not None
    assert user.password_hash.startswith("$argon2id$")
    assert user.profile.postcode == "SK1 3XE"
    assert user.profile.locality.name == "Edgeley"
    (message,) = outbox("siobhan@example.org")
    assert "Confirm your email address" in message.subject
    assert "/verify/" in message.body_text


@pytest.mark.parametrize(
    "name",
    ["Siobhan O'Brien", "Zoë Ní Bhriain", "Nguyễn Thị Minh Khai", "李小龍", "Anne-Marie d'Arcy"],
)
def test_any_real_name_is_accepted(client, db, name):
    response = client.post("/signup", data=signup_data(name=name, email="n@example.org"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.name)) == name


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password", "short one", "at least 10 characters"),
        ("password", "password123", "too common"),
        ("password", "iloveyou12", "too common"),
        ("password", "siobhan@example.org", "name or email"),
        ("email", "not-an-email", "right format"),
        ("postcode", "XYZ", "real UK postcode"),
        ("name", "", "Enter your name"),
        ("agree_privacy", "", "agree to the privacy notice"),
    ],
)
def test_signup_with_bad_input_shows_field_errors_and_writes_nothing(
    client, db, field, value, message
):
    before = row_counts()
    data = signup_data(**({"email": "siobhan@example.org"} | {field: value}))
    if not value:
        del data[field]
    response = client.post("/signup", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{field}"' in page
    assert row_counts() == before


def test_signup_with_a_taken_email_reveals_nothing_and_tells_the_owner(client, db):
    owner = make_user(email="taken@example.org")
    response = client.post("/signup", data=signup_data(email="TAKEN@example.org"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    (message,) = outbox("taken@example.org")
    assert message.recipient_id == owner.id
    assert "already have an account" in message.subject


def verify_and_login(client, email="siobhan@example.org", password="plum kettle harbour"):
    client.post("/signup", data=signup_data())
    client.get(link_in(outbox(email)[0]))
    return client.post("/login", data={"email": email, "password": password})


def test_verification_link_confirms_the_address_then_sign_in_works(client, db):
    client.post("/signup", data=signup_data())
    refused = client.post(
        "/login", data={"email": "siobhan@example.org", "password": "plum kettle harbour"}
    )
    assert refused.status_code == 401
    assert "confirm your email address first" in refused.get_data(as_text=True)
    response = client.get(link_in(outbox()[0]))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User)).email_verified
    signed_in = client.post(
        "/login", data={"email": "siobhan@example.org", "password": "plum kettle harbour"}
    )
    assert signed_in.status_code == 302
    assert client.get("/account").status_code == 200


def test_verification_link_expires_after_three_days(client, db):
    client.post("/signup", data=signup_data())
    link = link_in(outbox()[0])
    with time_machine.travel(utcnow() + timedelta(days=3, minutes=1)):
        response = client.get(link)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert not db.session.scalar(sa.select(User)).email_verified


def test_a_tampered_verification_link_is_refused(client):
    client.post("/signup", data=signup_data())
    assert client.get(link_in(outbox()[0]) + "x").status_code == 400


def test_logout_is_post_only(client):
    verify_and_login(client)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_login_with_wrong_password_is_refused_and_audited(client, db):
    user = make_user(email="ann@example.org")
    response = client.post(
        "/login", data={"email": "ann@example.org", "password": "wrong password"}
    )
    assert response.status_code == 401
    assert "email address or password is not right" in response.get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login.failed"))
    assert event.subject_id == user.id
    assert event.ip_address == "127.0.0.1"


def test_login_for_unknown_account_is_audited_without_storing_the_address(client, db):
    client.post("/login", data={"email": "nobody@example.org", "password": "whatever it is"})
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login.failed"))
    assert event.subject_id is None
    assert "nobody@example.org" not in str(event.detail)


def test_the_eleventh_failed_login_for_an_account_is_refused_with_429(client, db):
    make_user(email="ann@example.org")
    for attempt in range(10):
        response = client.post(
            "/login",
            data={"email": "ann@example.org", "password": f"wrong {attempt}"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"},
        )
        assert response.status_code == 401
    blocked = client.post(
        "/login",
        data={"email": "ann@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "reset your password" in page
    other = client.post("/login", data={"email": "someone@example.org", "password": "x" * 12})
    assert other.status_code == 401


def test_failed_logins_from_one_address_are_limited_across_accounts(client, db):
    for attempt in range(50):
        client.post("/login", data={"email": f"p{attempt}@example.org", "password": "not right"})
    response = client.post("/login", data={"email": "fresh@example.org", "password": "not right"})
    assert response.status_code == 429


def test_successful_logins_do_not_use_up_the_limit(client, db):
    make_user(email="ann@example.org")
    for _ in range(12):
        response = client.post("/login", data={"email": "ann@example.org", "password": PASSWORD})
        assert response.status_code == 302
        client.post("/logout")


def test_remember_me_sets_a_lasting_cookie(client, db):
    make_user(email="ann@example.org")
    response = client.post(
        "/login", data={"email": "ann@example.org", "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("remember_token=") and "HttpOnly" in cookie for cookie in cookies)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account/profile", "/account/profile"),
        ("https://evil.example/", "/account"),
        ("//evil.example/", "/account"),
        ("/\\evil.example", "/account"),
        ("javascript:alert(1)", "/account"),
    ],
)
def test_login_redirects_only_within_the_site(client, db, next_url, expected):
    make_user(email="ann@example.org")
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": "ann@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == expected


def test_password_reset_link_works_once_within_an_hour(client, db):
    user = make_user(email="ann@example.org")
    response = client.post("/password-reset", data={"email": "ANN@example.org"})
    assert response.status_code == 200
    link = link_in(outbox("ann@example.org")[0])
    new = {"password": "river lantern meadow"}
    assert client.post(link, data=new).status_code == 302
    assert (
        client.post(
            "/login", data={"email": "ann@example.org", "password": "river lantern meadow"}
        ).status_code
        == 302
    )
    client.post("/logout")
    assert client.get(link).status_code == 400  # used once already
    db.session.refresh(user)
    assert any(
        event.action == "password.reset" for event in db.session.scalars(sa.select(AuditEvent))
    )


def test_password_reset_link_expires_after_an_hour(client, db):
    make_user(email="ann@example.org")
    client.post("/password-reset", data={"email": "ann@example.org"})
    link = link_in(outbox("ann@example.org")[0])
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert client.get(link).status_code == 400


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post("/password-reset", data={"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "If nobody@example.org has an account" in response.get_data(as_text=True)
    assert outbox() == []


def test_changing_password_signs_out_other_sessions(app, client, login_as, db):
    user = make_user(email="ann@example.org")
    login_as(user)
    other_device = app.test_client()
    other_device.post("/login", data={"email": "ann@example.org", "password": PASSWORD})
    assert other_device.get("/account").status_code == 200
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "quiet orchard lantern"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    assert "has changed" in outbox("ann@example.org")[-1].subject


def test_changing_password_needs_the_current_one(client, login_as, db):
    user = make_user(email="ann@example.org")
    login_as(user)
    before = user.password_hash
    response = client.post(
        "/account/password",
        data={"current_password": "not it at all", "password": "quiet orchard lantern"},
    )
    assert response.status_code == 422
    assert "current password is not right" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before


def test_changing_email_waits_for_the_new_address_to_be_confirmed(client, login_as, db):
    user = make_user(email="ann@example.org")
    login_as(user)
    response = client.post(
        "/account/email", data={"email": "Ann.New@example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "ann@example.org"
    (confirm,) = outbox("ann.new@example.org")
    assert client.get(link_in(confirm)).status_code == 302
    db.session.refresh(user)
    assert user.email == "ann.new@example.org"
    assert user.email_verified
    assert "has changed" in outbox("ann@example.org")[-1].subject
    assert client.get(link_in(confirm)).status_code == 400


def test_create_user_command_makes_a_verified_staff_account(runner, db):
    result = runner.invoke(
        args=[
            "hub",
            "create-user",
            "--email",
            "lead@hub.example",
            "--name",
            "Hub Lead",
            "--level",
            "admin",
        ],
        input="sturdy velvet compass\nsturdy velvet compass\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.is_admin and user.email_verified


def test_create_user_command_refuses_a_weak_password(runner, db):
    result = runner.invoke(
        args=["hub", "create-user", "--email", "lead@hub.example", "--name", "Hub Lead"],
        input="password1\npassword1\n",
    )
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_an_email_change_link_dies_when_the_password_is_reset(client, login_as, db):
    """Someone who once knew the password cannot take the account back after a reset."""
    user = make_user(email="ann@example.org")
    login_as(user)
    client.post(
        "/account/email", data={"email": "attacker@example.net", "current_password": PASSWORD}
    )
    change_link = link_in(outbox("attacker@example.net")[0])
    client.post("/logout")
    client.post("/password-reset", data={"email": "ann@example.org"})
    client.post(link_in(outbox("ann@example.org")[-1]), data={"password": "river lantern meadow"})
    assert client.get(change_link).status_code == 400
    db.session.refresh(user)
    assert user.email == "ann@example.org"


def test_a_reset_link_dies_when_the_email_address_changes(client, login_as, db):
    user = make_user(email="ann@example.org")
    client.post("/password-reset", data={"email": "ann@example.org"})
    reset_link = link_in(outbox("ann@example.org")[0])
    login_as(user)
    client.post("/account/email", data={"email": "ann2@example.org", "current_password": PASSWORD})
    client.get(link_in(outbox("ann2@example.org")[0]))
    client.post("/logout")
    assert client.get(reset_link).status_code == 400


def test_sign_ups_from_one_address_are_limited(client, db):
    for number in range(20):
        response = client.post("/signup", data=signup_data(email=f"p{number}@example.org"))
        assert response.status_code == 302
    assert client.post("/signup", data=signup_data(email="p99@example.org")).status_code == 429


def test_changing_the_password_keeps_keep_me_signed_in(client, db):
    make_user(email="ann@example.org")
    client.post("/login", data={"email": "ann@example.org", "password": PASSWORD, "remember": "y"})
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "quiet orchard lantern"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("remember_token=") and "Expires" in cookie for cookie in cookies)


def test_a_sign_in_before_confirming_is_audited(client, db):
    make_user(email="ann@example.org", verified=False)
    client.post("/login", data={"email": "ann@example.org", "password": PASSWORD})
    action = db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc()))
    assert action == "login.unconfirmed"
