"""Fixtures: `app`, `db` (clean for each test), `client`, `runner`, `login_as`.

The suite runs on SQLite by default and on PostgreSQL with `pytest --db=postgresql`, which
reads the database URL from `TEST_DATABASE_URL`. The schema is built once per run by the real
migrations (`flask db upgrade`), so every test also exercises them.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from hypothesis import settings

from volunteer_hub import create_app
from volunteer_hub.auth.models import User
from volunteer_hub.config import TESTING
from volunteer_hub.database import SEARCH_TABLE
from volunteer_hub.extensions import db as _db

settings.register_profile("volunteer-hub", database=None)  # no .hypothesis/ in the checkout
settings.load_profile("volunteer-hub")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="Database to run against; postgresql reads TEST_DATABASE_URL.",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.config.getoption("--db") == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.exit("--db=postgresql needs TEST_DATABASE_URL", returncode=2)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('database') / 'test.sqlite3'}"


def is_postgresql(app: Flask) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("instance"))


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The test body holds an app context of its own for database access; without this, requests
    would share it, and with it Flask-Login's `g._login_user` and the session's identity map.
    What the test set up is committed first, and the test's objects are expired afterwards so
    they show what the request wrote.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        _db.session.commit()
        response = contextvars.copy_context().run(self._open_in_fresh_context, *args, **kwargs)
        _db.session.expire_all()
        return response

    def _open_in_fresh_context(self, *args: Any, **kwargs: Any) -> Any:
        _cv_app.set(None)  # type: ignore[arg-type]
        return super().open(*args, **kwargs)


def make_app(database_url: str, instance_path: str, **overrides: Any) -> Flask:
    return create_app(
        {
            **TESTING,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance_path,
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
    )


@pytest.fixture(scope="session")
def migrated(database_url: str, instance_path: str) -> None:
    """Build the schema once per run with the real migrations."""
    app = make_app(database_url, instance_path)
    with app.app_context():
        upgrade()
        _db.engine.dispose()


def clean_database(app: Flask) -> None:
    """Empty every table the models own (the migration version table stays)."""
    tables = _db.metadata.sorted_tables
    with _db.engine.begin() as connection:
        if is_postgresql(app):
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())
            connection.execute(sa.text(f"DELETE FROM {SEARCH_TABLE}"))  # noqa: S608 - a constant


@pytest.fixture
def app(
    database_url: str, instance_path: str, migrated: None, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    overrides = getattr(request, "param", {})
    app = make_app(database_url, instance_path, **overrides)
    app.test_client_class = IsolatedClient
    with app.app_context():
        clean_database(app)
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Any:
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign `user` in on the test client, as Flask-Login's session would hold it."""

    def sign_in(user: User) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return sign_in
