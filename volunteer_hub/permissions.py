"""Access checks. Every view that is not public states who may use it with a decorator here;
object-level checks (whose record is this?) are small functions beside them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from .auth.models import User
from .extensions import db
from .organisations.models import Organisation
from .organisations.services import can_coordinate

F = TypeVar("F", bound=Callable[..., Any])


def signed_in_user() -> User:
    """The signed-in account, typed (views behind `login_required` only)."""
    return cast(User, current_user._get_current_object())


def staff_required(view: F) -> F:
    """Hub staff and admins only; others get 403, anonymous people the sign-in page."""

    @login_required
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not signed_in_user().is_staff:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def admin_required(view: F) -> F:
    @login_required
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not signed_in_user().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def coordinated_organisation(slug: str) -> Organisation:
    """The organisation, for its coordinators and staff: others get 403, or 404 while it is
    not approved (it is not public)."""
    organisation: Organisation = db.first_or_404(
        select(Organisation).where(Organisation.slug == slug)
    )
    if not can_coordinate(signed_in_user(), organisation):
        abort(403 if organisation.is_approved else 404)
    return organisation
