"""Volunteer Hub: the app factory reads as a table of contents."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import models  # noqa: F401 - every table registered before Alembic looks
from .api.views import bp as api_bp
from .auth.views import bp as auth_bp
from .awards import (  # noqa: F401 - routes of awards
    ceremony_views,
    judging_views,
    review_views,
    staff_views,
)
from .awards.views import bp as awards_bp
from .certificates.views import bp as certificates_bp
from .cli import hub
from .config import load_config
from .discover import feed_views  # noqa: F401 - adds the feed and embed routes to discover
from .discover.views import bp as discover_bp
from .errors import register_errorhandlers
from .extensions import bootstrap, csrf, db, limiter, login_manager, migrate
from .hours.file_views import bp as hours_files_bp
from .hours.verify_views import bp as hours_verify_bp
from .hours.views import bp as hours_bp
from .organisations.views import bp as organisations_bp
from .pdf import check_fonts
from .placements.deciding_views import bp as deciding_bp
from .placements.views import bp as placements_bp
from .public.views import bp as public_bp
from .reference.views import bp as reference_bp
from .reports.rate_views import bp as value_rates_bp
from .reports.views import bp as reports_bp
from .roles.views import bp as roles_bp
from .security import register_security
from .shifts.views import bp as shifts_bp
from .staff.views import bp as staff_bp
from .templating import register_templating
from .training.evidence_views import bp as evidence_bp
from .training.manage_views import bp as courses_bp
from .training.staff_views import bp as training_staff_bp
from .training.views import bp as training_bp
from .urls import DatabaseIdConverter
from .volunteers.views import bp as volunteers_bp

BLUEPRINTS = (
    public_bp,
    auth_bp,
    volunteers_bp,
    organisations_bp,
    roles_bp,
    placements_bp,
    deciding_bp,
    shifts_bp,
    training_bp,
    courses_bp,
    evidence_bp,
    training_staff_bp,
    hours_bp,
    hours_verify_bp,
    discover_bp,
    api_bp,
    staff_bp,
    reference_bp,
    value_rates_bp,
    hours_files_bp,
    certificates_bp,
    awards_bp,
    reports_bp,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH")
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_relative_config=True,
        instance_path=instance_path,
    )
    app.url_map.converters["int"] = DatabaseIdConverter
    load_config(app, test_config)
    register_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.cli.add_command(hub)
    register_security(app)
    register_errorhandlers(app)
    register_templating(app)
    check_fonts(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    hops = int(app.config.get("PROXY_FIX_X_FOR", 0))
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
