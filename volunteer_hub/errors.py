"""Error pages: plain words and a way on, for every status a person can meet."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger(__name__)
PAGES = {400, 403, 404, 405, 413, 429}


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, error=error), code


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/csrf.html", error=error), 400


def handle_server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    log.error("Unhandled error", exc_info=original)
    return render_template("errors/500.html"), 500


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
