"""Training pages: the public calendar, courses and sessions, booking and registers."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("training", __name__)
