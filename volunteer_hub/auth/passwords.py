"""Password hashing (argon2) and the password policy: long enough and not a common one."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    cfg = current_app.config
    return _hasher(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("not anyone's password")


def burn_password_time(password: str) -> None:
    """Spend what checking a real password costs, for an account that does not exist."""
    cfg = current_app.config
    dummy = _dummy_hash(
        cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]
    )
    verify_password(dummy, password)


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


@cache
def _common_passwords() -> frozenset[str]:
    """30,000 most common passwords, as ranked by zxcvbn's frequency lists."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """A plain-words reason the password will not do, or `None` when it is acceptable.

    No character-class rules (NCSC and NIST advice): length, common passwords, and the
    person's own name or email address.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password.strip():
        return "Enter a password"
    if len(password) < minimum:
        return f"Your password must be at least {minimum} characters long."
    if len(password) > 1000:
        return "Your password must be 1,000 characters or fewer."
    folded = password.casefold()
    if folded in _common_passwords() or folded.strip("0123456789!") in _common_passwords():
        return "That password is too common. Try three or four random words together."
    for value in personal:
        value = value.casefold().strip()
        if value and len(value) >= 4 and value in folded and len(folded) - len(value) < 6:
            return "Your password must not be based on your name or email address."
    return None
