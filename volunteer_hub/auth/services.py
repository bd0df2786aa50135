"""Account rules: sign-up, verification, sign-in, password reset, password and email change.

Functions take plain arguments, add to the session and leave the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..audit.services import record_event
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..urls import external_url
from ..volunteers.models import VolunteerProfile
from .models import AccessLevel, User
from .passwords import burn_password_time, hash_password, needs_rehash, verify_password
from .tokens import make_token, read_token, token_matches

EMAIL_TOKEN_AGE = "EMAIL_TOKEN_MAX_AGE"  # noqa: S105 - a config key, not a secret
RESET_TOKEN_AGE = "PASSWORD_RESET_MAX_AGE"  # noqa: S105 - a config key, not a secret


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str, *, other_than: User | None = None) -> bool:
    query = select(func.count()).select_from(User).where(User.email == normalise_email(email))
    if other_than is not None:
        query = query.where(User.id != other_than.id)
    return bool(db.session.scalar(query))


@dataclass(frozen=True)
class SignUp:
    name: str
    email: str
    password: str
    postcode: str | None
    locality_id: int | None


def register(details: SignUp) -> User | None:
    """Create a member account with a volunteer profile and email the verification link.

    When the address already has an account, nothing is created and its owner is emailed
    instead, so the sign-up page never reveals who has an account (nor does its timing: the
    password is hashed either way).
    """
    password_hash = hash_password(details.password)
    existing = find_user_by_email(details.email)
    if existing is not None:
        queue_email(
            existing.email,
            "account_exists",
            recipient_id=existing.id,
            login_url=external_url("auth.login"),
            reset_url=external_url("auth.password_reset_request"),
        )
        return None
    user = User(
        name=details.name.strip(),
        email=normalise_email(details.email),
        password_hash=password_hash,
        access_level=AccessLevel.MEMBER,
        privacy_accepted_at=utcnow(),
    )
    db.session.add(user)
    db.session.add(
        VolunteerProfile(user=user, postcode=details.postcode, locality_id=details.locality_id)
    )
    db.session.flush()
    record_event("account.created", actor=user, subject=user)
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    queue_email(
        user.email,
        "verify_email",
        recipient_id=user.id,
        sensitive=True,
        verify_url=external_url("auth.verify_email", token=make_token("verify-email", user)),
        days=current_app.config[EMAIL_TOKEN_AGE] // 86400,
    )


def resend_verification(email: str) -> None:
    """Send a new link when the address has an account still waiting for confirmation."""
    user = find_user_by_email(email)
    if user is not None and user.is_active and not user.email_verified:
        send_verification(user)


def _account_for_token(purpose: str, token: str, max_age_key: str) -> tuple[User, dict[str, Any]]:
    """The active account a token names, while the account is as it was when it was made."""
    payload = read_token(purpose, token, current_app.config[max_age_key])
    user = db.session.get(User, payload["uid"]) if payload is not None else None
    if payload is None or user is None or not user.is_active or not token_matches(payload, user):
        raise InvalidLink("This link has expired or has already been used.")
    return user, payload


class InvalidLink(Exception):
    """A link from an email that is forged, too old, already used or out of date."""


def verify_email(token: str) -> User:
    """Mark the address verified, or `InvalidLink`."""
    user, _ = _account_for_token("verify-email", token, EMAIL_TOKEN_AGE)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event("account.email_verified", actor=user, subject=user)
    return user


class LoginRefused(Exception):
    """Sign-in failed; the message is safe to show."""


def authenticate(email: str, password: str, ip_address: str | None) -> User:
    """The account for these credentials, or `LoginRefused`. Failures are audited.

    An unknown address costs the same argon2 work as a wrong password, so timing does not
    tell who has an account.
    """
    user = find_user_by_email(email)
    if user is None:
        burn_password_time(password)
    elif user.is_active and verify_password(user.password_hash, password):
        if not user.email_verified:
            record_event("login.unconfirmed", subject=user, ip_address=ip_address)
            raise LoginRefused(
                "Please confirm your email address first: open the link we emailed you, "
                "or ask for a new one below."
            )
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        user.retention_warned_at = None  # signing in keeps the account
        record_event("login.succeeded", actor=user, subject=user, ip_address=ip_address)
        return user
    record_event(
        "login.failed",
        subject=user,
        ip_address=ip_address,
        reason="unknown account" if user is None else "wrong password or inactive",
    )
    raise LoginRefused("The email address or password is not right.")


def confirm_password(user: User, password: str, ip_address: str | None) -> bool:
    """Whether `password` is the signed-in person's; a wrong one is audited."""
    if verify_password(user.password_hash, password):
        return True
    record_event("password.confirm_failed", actor=user, subject=user, ip_address=ip_address)
    return False


def request_password_reset(email: str) -> None:
    """Email a one-hour, single-use reset link when the address has an active account."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    queue_email(
        user.email,
        "password_reset",
        recipient_id=user.id,
        sensitive=True,
        reset_url=external_url("auth.password_reset", token=make_token("password-reset", user)),
        minutes=current_app.config[RESET_TOKEN_AGE] // 60,
    )
    record_event("password.reset_requested", subject=user)


def user_for_reset_token(token: str) -> User:
    """The account a reset link is for, or `InvalidLink`."""
    user, _ = _account_for_token("password-reset", token, RESET_TOKEN_AGE)
    return user


def set_password(user: User, password: str, *, reason: str) -> None:
    """Store a new password and sign out every other session of the account."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    if reason == "reset" and user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the reset link proved the address
    record_event(f"password.{reason}", actor=user, subject=user)
    queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)


class EmailChangeRefused(Exception):
    """The address cannot be changed; the message is safe to show."""


def request_email_change(user: User, new_email: str) -> str:
    """Send a confirmation link to the new address; the change happens when it is opened."""
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise EmailChangeRefused("That is already your email address")
    token = make_token("change-email", user, new=new_email)
    queue_email(
        new_email,
        "confirm_email_change",
        recipient_id=user.id,
        sensitive=True,
        name=user.name,
        confirm_url=external_url("auth.confirm_email_change", token=token),
        days=current_app.config[EMAIL_TOKEN_AGE] // 86400,
    )
    record_event("account.email_change_requested", actor=user, subject=user)
    return new_email


def confirm_email_change(token: str) -> User:
    """Move the account to the new address, or `InvalidLink` / `EmailChangeRefused`."""
    user, payload = _account_for_token("change-email", token, EMAIL_TOKEN_AGE)
    new_email = str(payload.get("new", ""))
    if email_taken(new_email, other_than=user):
        raise EmailChangeRefused("Another account now uses that email address.")
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    record_event("account.email_changed", actor=user, subject=user)
    queue_email(old_email, "email_changed", recipient_id=user.id, name=user.name)
    return user


def make_staff_user(name: str, email: str, password: str, level: AccessLevel) -> User:
    """An already-verified account, usually staff or admin (for `flask hub create-user`)."""
    now = utcnow()
    user = User(
        name=name.strip(),
        email=normalise_email(email),
        password_hash=hash_password(password),
        access_level=level,
        email_verified_at=now,
        privacy_accepted_at=now,
    )
    db.session.add(user)
    db.session.flush()
    record_event("account.created", subject=user, access_level=str(level))
    return user
