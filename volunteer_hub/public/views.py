"""`/`, `/privacy`, `/accessibility` and `/healthz`."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..clock import local_today
from ..extensions import db, limiter
from ..reports.public import public_figures
from ..roles.cards import headline_numbers, newest_roles

bp = Blueprint("public", __name__)
FEATURED_ROLES = 6
log = logging.getLogger(__name__)


@bp.get("/")
def home() -> str:
    """The search box, the newest roles and how many roles and organisations there are."""
    role_count, organisation_count = headline_numbers()
    return render_template(
        "public/home.html",
        given=public_figures(local_today()),
        featured=newest_roles(FEATURED_ROLES),
        role_count=role_count,
        organisation_count=organisation_count,
    )


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html")


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("Health check: the database did not answer")
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200
