"""Training done elsewhere: volunteers submit it with evidence, staff verify or record it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evidence", __name__)
