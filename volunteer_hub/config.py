"""Configuration defaults. Deployers override them in `instance/config.py` or with
`VOLUNTEER_HUB_<KEY>` environment variables; tests pass a mapping to `create_app`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # filled in with the instance folder's SQLite file
    "SQLALCHEMY_ENGINE_OPTIONS": None,  # filled in for the database: see `engine_options`
    "HUB_NAME": "Riverside Volunteer Hub",
    "HUB_BASE_URL": "http://127.0.0.1:5000",
    "HUB_CONTACT_EMAIL": "hello@volunteerhub.example",
    "TIMEZONE": "Europe/London",
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "Volunteer Hub <no-reply@volunteerhub.example>",
    "MAIL_TIMEOUT": 30,
    "OUTBOX_BATCH_SIZE": 50,
    "OUTBOX_LEASE_SECONDS": 300,
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_KEEP_DAYS": 90,
    "UNCONFIRMED_ACCOUNT_DAYS": 30,
    "AUDIT_IP_KEEP_DAYS": 90,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "50 per 15 minutes",
    "EMAIL_TOKEN_MAX_AGE": int(timedelta(days=3).total_seconds()),
    "PASSWORD_RESET_MAX_AGE": int(timedelta(hours=1).total_seconds()),
    "PASSWORD_MIN_LENGTH": 10,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PREFERRED_URL_SCHEME": "http",
    "BOOTSTRAP_SERVE_LOCAL": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "PAGE_SIZE": 25,
    # Uploads are refused over 5 MB with a message beside the field; a request this much
    # bigger never reaches the form and gets the 413 page.
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    "API_RATE_LIMIT": "300 per hour; 30 per minute",
    "OPEN_DATA_LICENCE": "OGL-UK-3.0",  # SPDX id of the licence the role feeds are under
    "PUBLIC_FIGURES_SECONDS": 600,  # how long a worker keeps the home page's hours figures
}

TESTING: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",  # noqa: S105 - a test value, never deployed
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "HUB_BASE_URL": "http://localhost",
    "PUBLIC_FIGURES_SECONDS": 0,
}


def engine_options(uri: str) -> dict[str, Any]:
    """Test a pooled connection before use when the database is a server that may have
    dropped it (a restart, an idle timeout); a local SQLite file cannot, and the test would
    cost every request a statement."""
    return {"pool_pre_ping": not uri.startswith("sqlite")}


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Defaults, then `instance/config.py`, then `VOLUNTEER_HUB_*` variables, then `overrides`."""
    app.config.from_mapping(DEFAULTS)
    if overrides is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("VOLUNTEER_HUB")
    else:
        app.config.from_mapping(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database = Path(app.instance_path) / "volunteer_hub.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if app.config["SQLALCHEMY_ENGINE_OPTIONS"] is None:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
            app.config["SQLALCHEMY_DATABASE_URI"]
        )
    if app.config.get("MAIL_SERVER") and app.config["MAIL_USE_TLS"]:
        app.config.setdefault("MAIL_PORT", 587)
    app.config["SESSION_COOKIE_SECURE"] = app.config["HUB_BASE_URL"].startswith("https://")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
