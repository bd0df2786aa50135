"""The volunteer's hours: their totals and entries, logging hours and correcting them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from ..clock import local_today
from ..extensions import db
from ..permissions import signed_in_user
from ..web import PageResult
from .models import HoursEntry, hours_words
from .services import can_see_entry
from .totals import volunteer_totals

bp = Blueprint("hours", __name__)
bp.add_app_template_filter(hours_words, "hours")


@bp.get("/me/hours")
@login_required
def mine() -> PageResult:
    user = signed_in_user()
    return render_template("hours/mine.html", totals=volunteer_totals(user.id, local_today()))


@bp.get("/hours/<int:entry_id>")
@login_required
def entry(entry_id: int) -> PageResult:
    hours = db.get_or_404(HoursEntry, entry_id)
    if not can_see_entry(signed_in_user(), hours):
        abort(404)
    return render_template("hours/entry.html", entry=hours)
