"""Applying to roles and the volunteer's own placements (`/me`): a volunteer reaches only
their own placements (anyone else's is 404). The deciders' pages are in `deciding_views`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from ..certificates.services import latest_certificates
from ..clock import local_today
from ..database import utcnow
from ..extensions import db
from ..hours.totals import lifetime_progress
from ..permissions import signed_in_user
from ..reference.settings import setting_int
from ..roles.models import Role
from ..roles.page import viewable_role
from ..shifts import services as shift_services
from ..shifts.forms import ButtonForm
from ..training.queries import open_bookings, record_groups
from ..web import render_form
from . import queries, services
from .eligibility import requirements
from .forms import (
    AnswerForm,
    OfferForm,
    WithdrawForm,
    apply_form_for,
)
from .models import Placement, PlacementStatus
from .questions import questions_of

bp = Blueprint("placements", __name__)

DASHBOARD_CERTIFICATES = 5  # the newest; the rest are a link away

PageResult = Response | str | tuple[str, int]


def _per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])


def _role(slug: str) -> Role:
    role = viewable_role(slug, signed_in_user())
    if role is None:
        abort(404)
    return role


@bp.route("/roles/<slug>/apply", methods=["GET", "POST"])
@login_required
def apply(slug: str) -> PageResult:
    role = _role(slug)
    volunteer = signed_in_user()
    existing = services.open_placement(volunteer, role)
    if existing is not None:
        flash("You have already applied to this role: here is your application.", "info")
        return redirect(url_for("placements.mine", placement_id=existing.id))
    asked = questions_of(role)
    form = apply_form_for(role, asked)
    found = requirements(volunteer, role, local_today())
    full = services.places_taken(role) >= role.places
    if form.validate_on_submit():
        try:
            placement = services.apply(role, volunteer, form.application(), local_today())
            db.session.commit()
        except services.RoleFull as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
            full = True
        except services.PlacementRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        except IntegrityError:  # the same form sent twice at once: the first one counts
            db.session.rollback()
            return redirect(url_for("placements.apply", slug=role.slug))
        else:
            flash(_applied_words(placement), "success")
            return redirect(url_for("placements.mine", placement_id=placement.id))
    return render_form(
        "placements/apply.html",
        form,
        role=role,
        requirements=found,
        blocked=[found for found in found if found.stops_application],
        answer_fields=[field for field in form if field.name.startswith("answer_")],
        open=services.is_taking_applications(role),
        full=full,
    )


def _applied_words(placement: Placement) -> str:
    if placement.status == PlacementStatus.WAITLISTED:
        return "You are on the waiting list. We will email you if a place is offered."
    return "Thank you: your application has been sent. We will email you when they decide."


@bp.get("/me")
@login_required
def dashboard() -> str:
    page = db.paginate(
        queries.placements_of(signed_in_user()), per_page=_per_page(), error_out=False
    )
    positions = queries.waitlist_positions(page.items)
    coming = shift_services.bookings_of(signed_in_user(), utcnow())
    return render_template(
        "placements/dashboard.html",
        page=page,
        positions=positions,
        coming=coming,
        training=open_bookings(signed_in_user(), utcnow()),
        records=record_groups(signed_in_user(), local_today()),
        hours=lifetime_progress(signed_in_user().id),
        certificates=latest_certificates(signed_in_user(), DASHBOARD_CERTIFICATES),
    )


def _own(placement_id: int) -> Placement:
    """The signed-in volunteer's own placement; 404 for anyone else's, staff included (they
    use the deciders' page)."""
    placement = db.session.scalar(
        select(Placement)
        .where(Placement.id == placement_id)
        .options(
            joinedload(Placement.role).joinedload(Role.organisation),
            selectinload(Placement.answers),
            selectinload(Placement.events),
        )
    )
    if placement is None or placement.volunteer_id != signed_in_user().id:
        abort(404)
    return placement


@bp.get("/me/placements/<int:placement_id>")
@login_required
def mine(placement_id: int) -> PageResult:
    return _render_mine(_own(placement_id))


def _render_mine(
    placement: Placement,
    answer_form: AnswerForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    offer_form: OfferForm | None = None,
) -> PageResult:
    answer_form = answer_form or AnswerForm(formdata=None)
    withdraw_form = withdraw_form or WithdrawForm(formdata=None)
    offer_form = offer_form or OfferForm(formdata=None)
    forms = (answer_form, withdraw_form, offer_form)
    page = render_template(
        "placements/mine.html",
        placement=placement,
        position=queries.waitlist_positions([placement]).get(placement.id),
        offer_open=services.offer_is_open(placement),
        **_shift_context(placement),
        offer_form=offer_form,
        problem=next((form for form in forms if form.errors), answer_form),
        timeline=placement.events,
        answer_form=answer_form,
        withdraw_form=withdraw_form,
        can_withdraw=placement.is_open and placement.status != PlacementStatus.OFFERED,
    )
    return page, 422 if any(form.errors for form in forms) else 200


def _shift_context(placement: Placement) -> dict[str, Any]:
    """The role's coming shifts and the volunteer's bookings, once they may book."""
    if placement.status not in (PlacementStatus.APPROVED, PlacementStatus.ACTIVE):
        return {"shifts": [], "bookings": {}, "booked": {}}
    shifts = shift_services.upcoming_shifts(placement.role, utcnow())
    cutoff = setting_int("cancellation_cutoff_hours")
    volunteer = signed_in_user()
    bookings = {
        booking.shift_id: booking
        for booking in shift_services.bookings_of(volunteer, utcnow())
        if booking.shift.role_id == placement.role_id
    }
    return {
        "shifts": shifts,
        "bookings": bookings,
        "booked": shift_services.places_booked([shift.id for shift in shifts]),
        "cancel_closes": {s.id: shift_services.cancellation_closes(s, cutoff) for s in shifts},
        "now": utcnow(),
        "button": ButtonForm(formdata=None),
    }


@bp.post("/me/placements/<int:placement_id>/answer")
@login_required
def answer(placement_id: int) -> PageResult:
    placement = _own(placement_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer(placement, signed_in_user(), form.answer.data or "")
        except services.PlacementRefused as refusal:
            form.answer.errors = [*form.answer.errors, str(refusal)]
        else:
            db.session.commit()
            flash("Thank you: your answer has been sent.", "success")
            return redirect(url_for("placements.mine", placement_id=placement.id))
    return _render_mine(placement, answer_form=form)


@bp.post("/me/placements/<int:placement_id>/withdraw")
@login_required
def withdraw(placement_id: int) -> PageResult:
    placement = _own(placement_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(placement, signed_in_user(), form.message.data or "")
        except services.PlacementRefused as refusal:
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash("You have withdrawn. Thank you for letting them know.", "success")
            return redirect(url_for("placements.dashboard"))
    return _render_mine(placement, withdraw_form=form)


@bp.post("/me/placements/<int:placement_id>/offer")
@login_required
def offer(placement_id: int) -> PageResult:
    """The volunteer takes up, or turns down, the place they were offered."""
    placement = _own(placement_id)
    form = OfferForm()
    if form.validate_on_submit():
        try:
            if form.take.data == "yes":
                services.accept_offer(placement, signed_in_user())
            else:
                services.refuse_offer(placement, signed_in_user())
        except services.PlacementRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            taken = form.take.data == "yes"
            flash(OFFER_WORDS[taken], "success")
            return redirect(url_for("placements.mine", placement_id=placement.id))
    return _render_mine(placement, offer_form=form)


OFFER_WORDS = {
    True: "You have taken up the place. Thank you! The organisation will be in touch.",
    False: "You have turned down the place. Thank you for letting us know.",
}
