"""Applying to roles, the volunteer's own placements (`/me`), and the deciders' pages.

A volunteer reaches only their own placements (anyone else's is 404); a role's applicants
are seen by its organisation's members and hub staff, and decided by the role's deciders.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..clock import local_today, to_local
from ..csvexport import csv_response
from ..database import utcnow
from ..extensions import db
from ..permissions import signed_in_user, staff_required
from ..reference.models import Category, DeclineMessage, Locality
from ..reference.services import active_items, item_choices
from ..reference.settings import setting_int
from ..roles.models import Role
from ..roles.page import organisers_role, viewable_role
from ..shifts import services as shift_services
from ..shifts.forms import ButtonForm
from ..training.queries import open_bookings, record_groups
from ..training.records import held_courses, missing_courses, required_courses
from ..web import render_form, safe_next
from . import bulk, queries, services
from .eligibility import dbs_standing, dbs_standings, requirements
from .forms import (
    AnswerForm,
    ApplicantFilterForm,
    BulkApproveForm,
    DecisionForm,
    EndForm,
    OfferForm,
    QuestionsForm,
    StaffQueueForm,
    WithdrawForm,
    apply_form_for,
)
from .models import Placement, PlacementEvent, PlacementStatus
from .questions import questions_of, set_questions

bp = Blueprint("placements", __name__)

PageResult = Response | str | tuple[str, int]

DONE = {
    "approve": "Approved. The volunteer has been emailed.",
    "waitlist": "Added to the waiting list. The volunteer has been emailed.",
    "request_information": "Your question has been sent to the volunteer.",
    "decline": "Declined. The volunteer has been emailed your message.",
    "start": "Marked as started. Thank you for welcoming them.",
    "end": "The placement has ended.",
}


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


def _timeline(placement: Placement) -> list[PlacementEvent]:
    return list(
        db.session.scalars(
            select(PlacementEvent)
            .where(PlacementEvent.placement_id == placement.id)
            .options(selectinload(PlacementEvent.actor))
            .order_by(PlacementEvent.created_at, PlacementEvent.id)
        )
    )


@bp.get("/roles/<slug>/applicants")
@login_required
def applicants(slug: str) -> str:
    role = organisers_role(slug, signed_in_user())
    form = ApplicantFilterForm(request.args)
    status = form.status.data if form.validate() else ""
    page = db.paginate(
        queries.applicants_of(role, status or ""), per_page=_per_page(), error_out=False
    )
    needed = required_courses([role.id])[role.id]
    people = [placement.volunteer_id for placement in page.items if placement.volunteer_id]
    held = held_courses(people, local_today()) if needed else {}
    return render_template(
        "placements/applicants.html",
        role=role,
        form=form,
        page=page,
        needed=needed,
        held=held,
        taken=services.places_taken(role),
        can_decide=services.can_decide(signed_in_user(), role),
    )


def _for_deciders(placement_id: int) -> Placement:
    placement: Placement = db.first_or_404(
        select(Placement)
        .where(Placement.id == placement_id)
        .options(
            joinedload(Placement.role).joinedload(Role.organisation),
            joinedload(Placement.volunteer),
            selectinload(Placement.answers),
        )
    )
    if not services.can_see_applications(signed_in_user(), placement.role):
        abort(404)
    return placement


@bp.route("/roles/<slug>/questions", methods=["GET", "POST"])
@login_required
def questions(slug: str) -> PageResult:
    """The organisation's questions for applicants to the role."""
    role = organisers_role(slug, signed_in_user())
    current = {f"question_{q.position}": q.text for q in questions_of(role)}
    form = QuestionsForm(data=current)
    if form.validate_on_submit():
        if set_questions(role, form.texts(), signed_in_user()):
            db.session.commit()
            flash("The questions are saved. New applicants will answer them.", "success")
        return redirect(url_for("roles.manage", slug=role.slug))
    return render_form("placements/questions.html", form, role=role)


@bp.get("/roles/<slug>/applicants.csv")
@login_required
def applicants_csv(slug: str) -> Response:
    """Every application to the role, oldest first, as a spreadsheet; of a volunteer's DBS
    checks only whether one meets the role's requirement."""
    role = organisers_role(slug, signed_in_user())
    today = local_today()
    placements = db.session.scalars(queries.applicants_of(role, "all")).all()
    people = [placement.volunteer_id for placement in placements if placement.volunteer_id]
    standings = dbs_standings(people, role, today) if role.dbs_level else {}
    needed = required_courses([role.id])[role.id]
    held = held_courses(people, today) if needed else {}
    header = ["Name", "Email", "Group", "People", "Status", "Applied", "Status since"]
    header += ["DBS requirement", "Training still needed", "Note"]
    header += ["Answers to the role's questions"]
    rows = []
    for placement in placements:
        volunteer = placement.volunteer
        standing = standings.get(placement.volunteer_id or 0)
        has = held.get(placement.volunteer_id or 0, set())
        rows.append(
            [
                volunteer.name if volunteer else "Deleted account",
                volunteer.email if volunteer else "",
                placement.group_name or "",
                placement.headcount,
                placement.status_label,
                to_local(placement.created_at).strftime("%Y-%m-%d %H:%M"),
                to_local(placement.status_changed_at).strftime("%Y-%m-%d %H:%M"),
                "Not needed" if standing is None else "Meets" if standing.meets else "Not met",
                ", ".join(course.title for course in needed if course.id not in has),
                placement.note,
                *(f"{answer.question}: {answer.answer}" for answer in placement.answers),
            ]
        )
    return csv_response(f"applicants-{role.slug}.csv", header, rows)


@bp.get("/placements/<int:placement_id>")
@login_required
def review(placement_id: int) -> PageResult:
    return _render_review(_for_deciders(placement_id), active_items(DeclineMessage))


def _decision_form(messages: list[DeclineMessage], formdata: bool = True) -> DecisionForm:
    """The decision form, offering the hub's ready-made messages for declining."""
    form = DecisionForm() if formdata else DecisionForm(formdata=None)
    form.template.choices = [SelectChoice(str(message.id), message.name) for message in messages]
    return form


def _chosen_message(form: DecisionForm) -> str:
    """What the volunteer is told: the decider's words, else, when declining, the ready-made
    message chosen (it never goes with any other decision)."""
    if form.message.data or not form.template.data or form.decision.data != "decline":
        return form.message.data or ""
    chosen = db.session.get(DeclineMessage, int(form.template.data))
    return chosen.description if chosen is not None else ""


def _render_review(
    placement: Placement,
    messages: list[DeclineMessage],
    form: DecisionForm | None = None,
    end_form: EndForm | None = None,
) -> PageResult:
    form = form or _decision_form(messages, formdata=False)
    end_form = end_form or EndForm(formdata=None)
    volunteer = placement.volunteer
    role = placement.role
    page = render_template(
        "placements/review.html",
        placement=placement,
        role=role,
        organisation=role.organisation,
        timeline=_timeline(placement),
        form=form,
        end_form=end_form,
        dbs=dbs_standing(volunteer, role, local_today()) if volunteer else None,
        missing_training=missing_courses(volunteer.id, role, local_today()) if volunteer else [],
        can_decide=services.can_decide(signed_in_user(), role),
        decisions=services.decisions_for(placement),
        decline_messages=messages,
        can_end=PlacementStatus.ENDED in services.moves_from(placement),
        free=role.places - services.places_taken(role),
    )
    return page, 422 if form.errors or end_form.errors else 200


@bp.post("/placements/<int:placement_id>/decide")
@login_required
def decide(placement_id: int) -> PageResult:
    placement = _for_deciders(placement_id)
    messages = active_items(DeclineMessage)
    form = _decision_form(messages)
    end_form = EndForm(formdata=None)
    if form.decision.raw_data == ["end"]:
        end_form = EndForm()
        end_form.validate()
    if form.validate_on_submit() and not end_form.errors:
        ending = form.decision.data == "end"
        try:
            services.decide(
                placement,
                form.decision.data,
                signed_in_user(),
                reason=(end_form.reason.data if ending else form.reason.data) or "",
                message=_chosen_message(form),
                training_override=form.training_override.data or "",
            )
        except services.ReasonNeeded as refusal:
            form.message.errors = [*form.message.errors, str(refusal)]
        except services.TrainingNeeded as refusal:
            if signed_in_user().is_staff:
                form.training_override.errors = [*form.training_override.errors, str(refusal)]
            else:
                form.form_errors.append(str(refusal))
        except services.PlacementRefused as refusal:
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(DONE[form.decision.data], "success")
            return redirect(url_for("placements.review", placement_id=placement.id))
        db.session.rollback()
    return _render_review(placement, messages, form, end_form)


def _queue_form() -> StaffQueueForm:
    form = StaffQueueForm(request.args)
    form.category.choices = [("", "Any kind"), *item_choices(Category)]
    form.locality.choices = [("", "Any area"), *item_choices(Locality)]
    return form


@bp.get("/staff/placements")
@staff_required
def queue() -> PageResult:
    return _render_queue(BulkApproveForm(formdata=None, back=request.full_path))


def _render_queue(bulk: BulkApproveForm) -> PageResult:
    form = _queue_form()
    today = local_today()
    page = db.paginate(
        queries.staff_queue(form.filters(), today), per_page=_per_page(), error_out=False
    )
    rendered = render_template(
        "placements/queue.html", form=form, page=page, today=today, bulk=bulk
    )
    return rendered, 422 if bulk.errors else 200


@bp.post("/staff/placements/approve")
@staff_required
def bulk_approve() -> PageResult:
    form = BulkApproveForm()
    if not form.validate_on_submit():
        return _render_queue(form)
    outcome = bulk.approve_many(form.placement_ids.data or [], signed_in_user())
    db.session.commit()
    if outcome.approved:
        count = len(outcome.approved)
        told = "The volunteer has" if count == 1 else "The volunteers have"
        flash(f"Approved {count}. {told} been emailed.", "success")
    for placement, reason in outcome.refused:
        who = placement.volunteer.name if placement.volunteer else "A deleted account"
        flash(f"Not approved: {who} for {placement.role.title}. {reason}", "warning")
    return redirect(safe_next(form.back.data, url_for("placements.queue")))
