"""Staff reviewing nominations: a category's nominations by status, one nomination with its
history, and the decisions on it (shortlist, not progressed, ineligible, reopen), merging,
linking the nominee to their volunteer account, and the outcome."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..hours.totals import lifetime_progress
from ..permissions import signed_in_user, staff_required
from ..web import PageResult
from . import queries, services
from .forms import AccountSearchForm, DecideForm, LinkForm, MergeForm, OutcomeForm
from .models import STATUS_LABELS, Nomination, NominationEvent, NominationStatus, Outcome
from .staff_views import category_or_404
from .views import bp

STATUS_TABS = [(queries.REVIEW, "Waiting for review")] + [
    (str(status), label)
    for status, label in STATUS_LABELS.items()
    if status != NominationStatus.SUBMITTED
]


@bp.get("/staff/awards/categories/<int:category_id>")
@staff_required
def category_nominations(category_id: int) -> str:
    category = category_or_404(category_id)
    status = request.args.get("status", queries.REVIEW)
    if status not in dict(STATUS_TABS):
        status = queries.REVIEW
    page = db.paginate(queries.category_nominations(category, status), per_page=25, error_out=False)
    return render_template(
        "awards/category_nominations.html",
        category=category,
        status=status,
        tabs=STATUS_TABS,
        page=page,
    )


def nomination_or_404(nomination_id: int) -> Nomination:
    nomination: Nomination = db.get_or_404(
        Nomination,
        nomination_id,
        options=[selectinload(Nomination.events).selectinload(NominationEvent.actor)],
    )
    return nomination


def _merge_form(nomination: Nomination) -> MergeForm:
    form = MergeForm()
    form.into.choices = [SelectChoice("", "Choose a nomination")] + [
        SelectChoice(
            str(other.id), f"{other.nominee_name} (number {other.id}, {other.status_label.lower()})"
        )
        for other in queries.merge_targets(nomination)
    ]
    return form


def _nomination_page(nomination: Nomination, status: int = 200, **forms: Any) -> PageResult:
    search = AccountSearchForm(request.args)
    matches = queries.find_accounts(search.q.data) if search.validate() and search.q.data else []
    user = nomination.nominee_user
    decisions = services.decisions_for(nomination)
    decide_form = forms.get("decide_form") or DecideForm(formdata=None)
    decide_form.decision.choices = [
        choice for choice in decide_form.decision.choices if choice.value in decisions
    ]
    page = render_template(
        "awards/nomination.html",
        nomination=nomination,
        merged=queries.merged_into(nomination),
        kept=db.session.get(Nomination, nomination.merged_into_id)
        if nomination.merged_into_id
        else None,
        decisions=decisions,
        notes=services.eligibility_notes(nomination),
        progress=lifetime_progress(user.id) if user else None,
        placements=queries.roles_of(user) if user else [],
        search=search,
        matches=matches,
        today=local_today(),
        decide_form=decide_form,
        merge_form=forms.get("merge_form") or _merge_form(nomination),
        outcome_form=forms.get("outcome_form")
        or OutcomeForm(formdata=None, data={"outcome": nomination.outcome}),
        link_form=LinkForm(formdata=None),
        problem=forms.get("problem"),
    )
    return page, status


def _done(nomination: Nomination, message: str) -> PageResult:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("awards.nomination", nomination_id=nomination.id))


@bp.get("/staff/awards/nominations/<int:nomination_id>")
@staff_required
def nomination(nomination_id: int) -> PageResult:
    return _nomination_page(nomination_or_404(nomination_id))


@bp.post("/staff/awards/nominations/<int:nomination_id>/decide")
@staff_required
def decide(nomination_id: int) -> PageResult:
    nomination = nomination_or_404(nomination_id)
    form = DecideForm()
    if not form.validate_on_submit():
        return _nomination_page(nomination, 422, decide_form=form)
    try:
        services.decide(nomination, form.decision.data, signed_in_user(), form.reason.data or "")
    except services.AwardsRefused as refused:
        db.session.rollback()
        form.decision.errors = [str(refused)]
        return _nomination_page(nomination_or_404(nomination_id), 422, decide_form=form)
    return _done(nomination, f"The nomination is now: {nomination.status_label.lower()}.")


@bp.post("/staff/awards/nominations/<int:nomination_id>/merge")
@staff_required
def merge(nomination_id: int) -> PageResult:
    nomination = nomination_or_404(nomination_id)
    form = _merge_form(nomination)
    if not form.validate_on_submit():
        return _nomination_page(nomination, 422, merge_form=form)
    kept = db.session.get(Nomination, int(form.into.data))
    try:
        if kept is None:
            raise services.AwardsRefused("Choose a nomination from the list.")
        services.merge(nomination, kept, signed_in_user())
    except services.AwardsRefused as refused:
        db.session.rollback()
        form.into.errors = [str(refused)]
        return _nomination_page(nomination_or_404(nomination_id), 422, merge_form=form)
    db.session.commit()
    flash("The nominations are merged: every statement is kept on this one.", "success")
    return redirect(url_for("awards.nomination", nomination_id=kept.id))


@bp.post("/staff/awards/nominations/<int:nomination_id>/link")
@staff_required
def link(nomination_id: int) -> PageResult:
    nomination = nomination_or_404(nomination_id)
    form = LinkForm()
    raw = form.user_id.data or ""
    if not form.validate_on_submit() or not (raw == "none" or raw.isdigit()):
        return _nomination_page(nomination, 422, problem="Choose an account to link.")
    user = None if raw == "none" else db.session.get(User, int(raw[:10]))
    if raw != "none" and (user is None or user.deleted_at is not None):
        return _nomination_page(nomination, 422, problem="Choose an account to link.")
    try:
        services.link_nominee(nomination, user, signed_in_user())
    except services.AwardsRefused as refused:
        db.session.rollback()
        return _nomination_page(nomination_or_404(nomination_id), 422, problem=str(refused))
    return _done(nomination, "The nominee is linked." if user else "The nominee is unlinked.")


@bp.post("/staff/awards/nominations/<int:nomination_id>/outcome")
@staff_required
def outcome(nomination_id: int) -> PageResult:
    nomination = nomination_or_404(nomination_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _nomination_page(nomination, 422, outcome_form=form)
    try:
        services.set_outcome(nomination, Outcome(form.outcome.data), signed_in_user())
    except services.AwardsRefused as refused:
        db.session.rollback()
        form.outcome.errors = [str(refused)]
        return _nomination_page(nomination_or_404(nomination_id), 422, outcome_form=form)
    db.session.commit()
    flash(f"Outcome recorded: {nomination.outcome_label.lower()}.", "success")
    if request.form.get("back") == "results":
        return redirect(url_for("awards.results", category_id=nomination.category_id))
    return redirect(url_for("awards.nomination", nomination_id=nomination.id))
