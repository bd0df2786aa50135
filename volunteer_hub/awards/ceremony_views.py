"""Staff's ceremony pages: the running order with its citations (editable), the ceremony
pack of every certificate (made in the background, its progress on a page of its own), and
the running order as PDF and CSV, for a cycle whose every category is locked."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from ..csvexport import csv_response
from ..database import utcnow
from ..extensions import db
from ..forms import HubForm
from ..locks import lock_row
from ..pdf import pdf_response
from ..permissions import signed_in_user, staff_required
from ..web import PageResult, render_form
from . import ceremony, packs
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


@bp.get("/staff/awards/<int:year>/ceremony")
@staff_required
def ceremony_page(year: int) -> str:
    cycle = cycle_or_404(year)
    ready = ceremony.is_ready(cycle)
    rows = ceremony.running_order(cycle) if ready else []
    return render_template(
        "awards/ceremony.html",
        cycle=cycle,
        ready=ready,
        rows=rows,
        pack=packs.latest_pack(cycle) if ready else None,
        form=HubForm(),
    )


@bp.get("/staff/awards/<int:year>/ceremony/running-order.pdf")
@staff_required
def running_order_pdf(year: int) -> Response:
    cycle = _ready_cycle(year)
    return pdf_response(ceremony.running_order_pdf(cycle), f"running-order-{year}.pdf")


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


@bp.post("/staff/awards/<int:year>/ceremony/packs")
@staff_required
def request_pack(year: int) -> Response:
    """Start making the pack (or show the one being made) and go to its progress."""
    cycle = _ready_cycle(year)
    form = HubForm()
    if not form.validate_on_submit():
        abort(400, "The form had expired. Please try again.")
    lock_row(AwardCycle, cycle.id)  # two staff asking at once start one pack
    pack = packs.latest_pack(cycle)
    if pack is None or pack.status != packs.PackStatus.MAKING or pack.is_stale(utcnow()):
        pack = packs.request_pack(cycle, signed_in_user())
        packs.start_making(pack.id)
    return redirect(url_for("awards.pack_progress", year=year, pack_id=pack.id))


def _pack_of(year: int, pack_id: int) -> packs.CeremonyPack:
    cycle = cycle_or_404(year)
    pack = db.session.get(packs.CeremonyPack, pack_id)
    if pack is None or pack.cycle_id != cycle.id:
        abort(404)
    return pack


@bp.get("/staff/awards/<int:year>/ceremony/packs/<int:pack_id>")
@staff_required
def pack_progress(year: int, pack_id: int) -> str:
    pack = _pack_of(year, pack_id)
    return render_template(
        "awards/pack.html", pack=pack, cycle=pack.cycle, stale=pack.is_stale(utcnow())
    )


@bp.get("/staff/awards/<int:year>/ceremony/packs/<int:pack_id>.pdf")
@staff_required
def pack_download(year: int, pack_id: int) -> Response:
    pack = _pack_of(year, pack_id)
    if pack.status != packs.PackStatus.READY or pack.pdf is None:
        abort(409, "This ceremony pack is not ready yet.")
    return pdf_response(pack.pdf, f"ceremony-pack-{year}.pdf")
