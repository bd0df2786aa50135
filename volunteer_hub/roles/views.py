"""Writing roles and moderating them: the organisation's pages and the staff review queue.

Only the organisation's members and hub staff reach a role's management pages; anyone else
gets 404 whatever the role's status, so the pages do not show that a draft exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..clock import local_today
from ..database import utcnow
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import can_coordinate
from ..periods import DAYS, PARTS, PERIODS
from ..permissions import signed_in_user, staff_required
from ..placements.services import open_placement
from ..reference.models import Category, Locality, Skill
from ..reference.services import concepts_in, item_choices
from ..richtext import render_markdown
from ..training.queries import open_courses, training_needs
from ..volunteers.forms import period_choices
from ..volunteers.models import CHECK_LEVEL_LABELS, CheckLevel
from ..web import render_form
from . import queries, services
from .forms import NEW_ROLE_DEFAULTS, ConfirmForm, QueueFilterForm, RoleForm, StatusForm, form_data
from .models import Role, RoleStatus
from .page import page_context, viewable_role

bp = Blueprint("roles", __name__)

PageResult = Response | str | tuple[str, int]

DONE = {
    "submit": "The role has been sent to the hub for review.",
    "close": "The role is closed: it no longer appears in search.",
    "reopen": "The role has been sent to the hub for review before it reopens.",
    "archive": "The role has been archived.",
    "publish": "The role is published. The organisation's managers have been emailed.",
    "request_changes": "Changes requested. The organisation's managers have been emailed.",
    "reject": "The role has been rejected. The organisation's managers have been emailed.",
}


def _per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])


def _role_for_member(slug: str) -> Role:
    """The role, for its organisation's members and staff; 404 for everyone else."""
    role: Role = db.first_or_404(
        select(Role)
        .where(Role.slug == slug)
        .options(
            selectinload(Role.organisation),
            selectinload(Role.category),
            selectinload(Role.locality),
            selectinload(Role.skills),
            selectinload(Role.concepts),
            selectinload(Role.periods),
        )
    )
    if not can_coordinate(signed_in_user(), role.organisation):
        abort(404)
    return role


def _with_current(
    choices: list[SelectChoice], item: Category | Locality | None
) -> list[SelectChoice]:
    """The active items, plus the role's own one if staff have since retired it."""
    if item is not None and all(choice.value != str(item.id) for choice in choices):
        choices.append(SelectChoice(str(item.id), item.name))
    return choices


def _role_form(role: Role | None) -> RoleForm:
    """The role form: on GET filled from the role (or defaults), on POST from what was sent."""
    details = services.details_of(role) if role is not None else None
    if request.method == "POST":
        form = RoleForm()
    else:
        form = RoleForm(data=form_data(details) if details else NEW_ROLE_DEFAULTS)
    if details is not None:
        form.keep_dates_of(details)
    categories = _with_current(item_choices(Category), role.category if role else None)
    localities = _with_current(item_choices(Locality), role.locality if role else None)
    form.category.choices = [SelectChoice("", "Choose a category"), *categories]
    form.locality.choices = [SelectChoice("", "Choose an area"), *localities]
    form.skills.choices = item_choices(Skill)
    form.periods.choices = period_choices()
    courses = open_courses() + [c for c in (role.required_courses if role else []) if c.archived]
    form.courses.choices = [SelectChoice(str(c.id), c.title) for c in courses]
    for field, scheme in (
        (form.causes, "cause"),
        (form.requirements, "requirement"),
        (form.rewards, "reward"),
        (form.accessibility, "accessibility"),
    ):
        field.choices = [SelectChoice(str(c.id), c.label) for c in concepts_in(scheme)]
    return form


def _render_role_form(form: RoleForm, organisation: Organisation, role: Role | None) -> PageResult:
    return render_form(
        "roles/form.html",
        form,
        organisation=organisation,
        role=role,
        days=DAYS,
        parts=PARTS,
        warn_review=role is not None and role.is_published and not signed_in_user().is_staff,
    )


@bp.route("/org/<slug>/roles/new", methods=["GET", "POST"])
@login_required
def new(slug: str) -> PageResult:
    organisation: Organisation = db.first_or_404(
        select(Organisation).where(Organisation.slug == slug)
    )
    user = signed_in_user()
    if not can_coordinate(user, organisation):
        abort(403 if organisation.is_approved else 404)  # unapproved ones are not public
    if not organisation.is_approved:
        return render_template("roles/not_approved.html", organisation=organisation), 403
    form = _role_form(None)
    if form.validate_on_submit():
        role = services.create_role(organisation, form.details(), user)
        db.session.commit()
        flash("Your draft has been saved. Check it, then send it to the hub for review.", "success")
        return redirect(url_for("roles.manage", slug=role.slug))
    return _render_role_form(form, organisation, None)


@bp.route("/roles/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> PageResult:
    role = _role_for_member(slug)
    if not services.can_edit(signed_in_user(), role):
        return render_template("roles/locked.html", role=role), 403
    form = _role_form(role)
    if form.validate_on_submit():
        sent_back = services.update_role(role, form.details(), signed_in_user())
        db.session.commit()
        if sent_back:
            flash(
                "Your changes have been saved. Because they change who can safely apply, the "
                "role is hidden from volunteers until the hub has reviewed it again.",
                "warning",
            )
        else:
            flash("Your changes have been saved.", "success")
        return redirect(url_for("roles.manage", slug=role.slug))
    return _render_role_form(form, role.organisation, role)


def _render_manage(role: Role, status_form: StatusForm | None = None) -> tuple[str, int]:
    user = signed_in_user()
    status_form = status_form or StatusForm()
    history = db.paginate(queries.status_history(role), per_page=_per_page(), error_out=False)
    dbs = CHECK_LEVEL_LABELS.get(CheckLevel(role.dbs_level)) if role.dbs_level else None
    page = render_template(
        "roles/manage.html",
        role=role,
        description=render_markdown(role.description),
        periods=[period.label for period in PERIODS if period.slug in role.period_slugs],
        dbs_label=dbs or role.dbs_level,
        actions=services.allowed_actions(role, user),
        status_form=status_form,
        confirm_form=ConfirmForm(),
        history=history,
        statuses={f"role.{status}": label for status, label in _HISTORY_LABELS.items()},
    )
    return page, 422 if status_form.errors else 200


_HISTORY_LABELS = {
    "created": "Draft started",
    "confirmed_current": "Confirmed as still up to date",
    RoleStatus.PENDING_REVIEW: "Sent for review",
    RoleStatus.CHANGES_REQUESTED: "Changes requested",
    RoleStatus.PUBLISHED: "Published",
    RoleStatus.REJECTED: "Rejected",
    RoleStatus.CLOSED: "Closed",
    RoleStatus.ARCHIVED: "Archived",
}


@bp.get("/roles/<slug>/manage")
@login_required
def manage(slug: str) -> PageResult:
    return _render_manage(_role_for_member(slug))


@bp.post("/roles/<slug>/status")
@login_required
def change_status(slug: str) -> PageResult:
    role = _role_for_member(slug)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.take_action(
                role,
                form.action.data,
                signed_in_user(),
                form.comment.data or "",
                seen=form.seen.data or None,
            )
        except services.CommentNeeded as refusal:
            form.comment.errors.append(str(refusal))
        except services.RoleRefused as refusal:
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(DONE[form.action.data], "success")
            return redirect(url_for("roles.manage", slug=role.slug))
    return _render_manage(role, form)


@bp.post("/roles/<slug>/confirm-current")
@login_required
def confirm_current(slug: str) -> PageResult:
    role = _role_for_member(slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_current(role, signed_in_user())
        except services.RoleRefused as refusal:
            status_form = StatusForm(formdata=None)
            status_form.form_errors.append(str(refusal))
            return _render_manage(role, status_form)
        db.session.commit()
        flash("Thank you: we will ask again in six months.", "success")
    return redirect(url_for("roles.manage", slug=role.slug))


@bp.get("/staff/roles")
@staff_required
def queue() -> str:
    form = QueueFilterForm(request.args)
    valid = form.validate()
    query = queries.review_queue(
        status=form.status.data if valid else None,
        organisation=form.organisation.data if valid else None,
    )
    page = db.paginate(query, per_page=_per_page(), error_out=False)
    return render_template(
        "roles/queue.html", form=form, page=page, submitted=queries.submitted_at(page.items)
    )


@bp.get("/roles/<slug>")
def detail(slug: str) -> str:
    """The role page: public once published; before that (or after), only the organisation's
    members and hub staff see it, with a banner. Anyone else gets 404."""
    viewer = signed_in_user()
    role = viewable_role(slug, viewer)
    if role is None:
        abort(404)
    application = open_placement(viewer, role) if viewer.is_authenticated else None
    training = training_needs(
        role, viewer.id if viewer.is_authenticated else None, local_today(), utcnow()
    )
    return render_template(
        "roles/detail.html", application=application, training=training, **page_context(role)
    )
