"""Signed, expiring tokens for email verification, email change and password reset."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .models import User


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"volunteer-hub/{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, user: User, **extra: Any) -> str:
    """A token naming the user and bound to the account as it is now: its password hash, its
    email address and its session version. Any of them changing (a reset, an email change, a
    password change, an access change) kills every token issued before, so each is single use
    and none outlives a password reset."""
    payload: dict[str, Any] = {
        "uid": user.id,
        "pw": _fingerprint(user.password_hash),
        "em": _fingerprint(user.email),
        "sv": user.session_version,
        **extra,
    }
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any] | None:
    """The token's payload, or `None` when it is forged, malformed or too old."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("uid"), int) else None


def token_matches(payload: dict[str, Any], user: User) -> bool:
    """Whether the account is still as it was when the token was made."""
    return (
        payload.get("pw") == _fingerprint(user.password_hash)
        and payload.get("em") == _fingerprint(user.email)
        and payload.get("sv") == user.session_version
    )
