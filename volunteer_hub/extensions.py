"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import request
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import Pagination
from flask_wtf.csrf import CSRFProtect

from .database import Base

MAX_PAGE = 100_000


def requested_page() -> int:
    """The `?page=` number asked for: 1 unless it is a whole number from 1 to `MAX_PAGE`
    (a larger one would not fit the database's integers)."""
    raw = request.args.get("page", "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE)):
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


class HubSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose `paginate` reads the page number safely: its own reading
    accepts any integer, and an enormous one overflows SQLite's OFFSET."""

    def paginate(self, select: Any, *, page: int | None = None, **kwargs: Any) -> Pagination:
        return super().paginate(select, page=requested_page() if page is None else page, **kwargs)


db = HubSQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(get_remote_address)
bootstrap = Bootstrap5()

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
