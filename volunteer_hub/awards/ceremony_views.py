"""Staff's ceremony pages: the running order with its citations (editable), the ceremony
pack of every certificate, and the running order as PDF and CSV, for a cycle whose every
category is locked."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from ..csvexport import csv_response
from ..extensions import db
from ..forms import HubForm
from ..permissions import staff_required
from ..web import PageResult, render_form
from . import ceremony
from .forms import within_words
from .models import AwardCycle, Nomination
from .views import bp, cycle_or_404


class CitationForm(HubForm):
    citation = TextAreaField(
        "Citation",
        description=f"What the host reads out: at most {ceremony.CITATION_WORDS} words.",
        validators=[
            DataRequired("Enter the citation the host will read"),
            within_words(ceremony.CITATION_WORDS, "The citation"),
        ],
    )


def _ready_cycle(year: int) -> AwardCycle:
    cycle = cycle_or_404(year)
    if not ceremony.is_ready(cycle):
        abort(409, "Lock every category of this cycle first: the ceremony follows the results.")
    return cycle


def _pdf(data: bytes, filename: str) -> Response:
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/staff/awards/<int:year>/ceremony")
@staff_required
def ceremony_page(year: int) -> str:
    cycle = cycle_or_404(year)
    ready = ceremony.is_ready(cycle)
    rows = ceremony.running_order(cycle) if ready else []
    return render_template("awards/ceremony.html", cycle=cycle, ready=ready, rows=rows)


@bp.get("/staff/awards/<int:year>/ceremony/pack.pdf")
@staff_required
def ceremony_pack(year: int) -> Response:
    cycle = _ready_cycle(year)
    return _pdf(ceremony.ceremony_pack(cycle), f"ceremony-pack-{year}.pdf")


@bp.get("/staff/awards/<int:year>/ceremony/running-order.pdf")
@staff_required
def running_order_pdf(year: int) -> Response:
    cycle = _ready_cycle(year)
    return _pdf(ceremony.running_order_pdf(cycle), f"running-order-{year}.pdf")


@bp.get("/staff/awards/<int:year>/ceremony/running-order.csv")
@staff_required
def running_order_csv(year: int) -> Response:
    cycle = _ready_cycle(year)
    rows = ceremony.running_order_rows(cycle)
    return csv_response(f"running-order-{year}.csv", ceremony.RUNNING_ORDER_HEADER, rows)


@bp.route("/staff/awards/nominations/<int:nomination_id>/citation", methods=["GET", "POST"])
@staff_required
def citation(nomination_id: int) -> PageResult:
    nomination = db.get_or_404(Nomination, nomination_id)
    if nomination.outcome is None:
        abort(404)
    form = CitationForm(data={"citation": nomination.citation})
    if form.validate_on_submit():
        ceremony.set_citation(nomination, form.citation.data or "")
        db.session.commit()
        flash("The citation is saved.", "success")
        return redirect(url_for("awards.ceremony_page", year=nomination.category.cycle.year))
    return render_form("awards/citation.html", form, nomination=nomination)
