"""The public awards pages: `/awards` (the current cycle and past results), `/awards/<year>`,
nominating and confirming. Staff pages are in `staff_views`, the judges' in `judging_views`;
all are routes of the one `awards` blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from wtforms import SelectChoice

from ..database import utcnow
from ..extensions import db, limiter
from ..web import PageResult, render_form
from . import nominating, queries
from .forms import NominationForm
from .models import AwardCategory, AwardCycle
from .services import AwardsRefused

bp = Blueprint("awards", __name__)


def cycle_or_404(year: int) -> AwardCycle:
    cycle = queries.cycle_by_year(year)
    if cycle is None:
        abort(404)
    return cycle


def _cycle_page(cycle: AwardCycle, **context: object) -> str:
    return render_template(
        "awards/cycle.html",
        cycle=cycle,
        results=queries.results(cycle) if cycle.published else {},
        now=utcnow(),
        **context,
    )


@bp.get("/awards")
def index() -> str:
    cycle = queries.current_cycle()
    past = [c for c in queries.published_cycles() if cycle is None or c.id != cycle.id]
    if cycle is None:
        return render_template("awards/none.html", past=past)
    return _cycle_page(cycle, past=past, is_index=True)


@bp.get("/awards/<int:year>")
def cycle(year: int) -> str:
    return _cycle_page(cycle_or_404(year), past=[], is_index=False)


def _nomination_limit() -> str:
    return str(current_app.config.get("NOMINATION_LIMIT", "10 per hour"))


def _form_for(cycle: AwardCycle) -> NominationForm:
    form = NominationForm()
    form.category.choices = [SelectChoice("", "Choose a category")] + [
        SelectChoice(str(category.id), category.name) for category in cycle.categories
    ]
    return form


def _category(cycle: AwardCycle, value: str) -> AwardCategory:
    return next(category for category in cycle.categories if str(category.id) == value)


def _data(form: NominationForm) -> nominating.NominationData:
    return nominating.NominationData(
        nominee_name=form.nominee_name.data,
        nominee_organisation=form.nominee_organisation.data or "",
        nominee_contact=form.nominee_contact.data or "",
        nominator_name=form.nominator_name.data,
        nominator_email=form.nominator_email.data.lower(),
        nominator_relationship=form.nominator_relationship.data,
        statement=form.statement.data,
        supporting=form.supporting.data or "",
    )


@bp.route("/awards/<int:year>/nominate", methods=["GET", "POST"])
@limiter.limit(_nomination_limit, methods=["POST"], scope="nominate")
def nominate(year: int) -> PageResult:
    cycle = cycle_or_404(year)
    try:
        nominating.check_window(cycle, utcnow())
    except nominating.WindowClosed as closed:
        page = render_template("awards/closed.html", cycle=cycle, opens_at=closed.opens_at)
        return page, 422 if request.method == "POST" else 200
    form = _form_for(cycle)
    if form.is_submitted() and form.website.data:
        return redirect(url_for("awards.nominated", year=year))  # a robot: store nothing
    if not form.validate_on_submit():
        return render_form("awards/nominate.html", form, cycle=cycle)
    nominating.nominate(_category(cycle, form.category.data), _data(form))
    db.session.commit()
    return redirect(url_for("awards.nominated", year=year))


@bp.get("/awards/<int:year>/nominate/thank-you")
def nominated(year: int) -> str:
    return render_template("awards/nominated.html", cycle=cycle_or_404(year))


@bp.get("/awards/confirm/<token>")
def confirm(token: str) -> PageResult:
    try:
        nomination = nominating.confirm(token)
    except AwardsRefused:  # the category was locked meanwhile
        nomination = None
    if nomination is None:
        db.session.rollback()
        return render_template("awards/link_expired.html"), 400
    db.session.commit()
    return render_template("awards/confirmed.html", nomination=nomination)
