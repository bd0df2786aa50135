"""The deciders' pages: a role's applicants (and their CSV) and questions, an application
to decide, and staff's queue of applications across the hub with bulk approval. A role's
applicants are seen by its organisation's members and hub staff, decided by its deciders;
anyone else is told they do not exist (404).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..clock import local_today, to_local
from ..csvexport import csv_response
from ..extensions import db
from ..permissions import signed_in_user, staff_required
from ..reference.models import Category, DeclineMessage, Locality
from ..reference.services import active_items, item_choices
from ..roles.models import Role
from ..roles.page import organisers_role
from ..training.records import held_courses, missing_courses, required_courses
from ..web import render_form, safe_next
from . import bulk, queries, services
from .eligibility import dbs_standing, dbs_standings
from .forms import (
    ApplicantFilterForm,
    BulkApproveForm,
    DecisionForm,
    EndForm,
    QuestionsForm,
    StaffQueueForm,
)
from .models import Placement, PlacementStatus
from .queries import timeline_of
from .questions import questions_of, set_questions

bp = Blueprint("deciding", __name__)

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
        timeline=timeline_of(placement),
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
            return redirect(url_for("deciding.review", placement_id=placement.id))
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
    return redirect(safe_next(form.back.data, url_for("deciding.queue")))
