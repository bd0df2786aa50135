"""Organisation pages: the public directory, registering (with an account if need be), the
organisation's own pages under `/org/<slug>`, invitations, and the staff review queue.

An organisation that is not approved is unknown to anyone outside it (404); an approved one's
own pages are known, so outsiders get 403 there.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..auth import services as accounts
from ..auth.models import User
from ..clock import local_today
from ..discover.filters import RoleFilters
from ..extensions import db, limiter
from ..permissions import signed_in_user, staff_required
from ..reference.models import Locality
from ..reference.services import active_items, concepts_in, locality_choices
from ..roles.cards import search_page
from ..roles.services import roles_of
from ..web import render_form
from . import membership as memberships
from . import queries, services
from .forms import (
    ConfirmForm,
    DecisionForm,
    DirectoryFilterForm,
    InviteForm,
    OrganisationForm,
    QueueFilterForm,
    RegisterWithAccountForm,
    form_data,
)
from .models import Invitation, Membership, MembershipLevel, Organisation

ROLES_SHOWN = 20  # the organisation's page lists its newest published roles

bp = Blueprint("organisations", __name__)

PageResult = Response | str | tuple[str, int]
DIRECTORY_PAGE_SIZE = 20
EMAILS_PER_ADDRESS = "20 per hour"  # registrations with a new account from one client address
INVITES_PER_ACCOUNT = "30 per hour"


def _organisation(slug: str, *options: ExecutableOption) -> Organisation:
    query = select(Organisation).where(Organisation.slug == slug).options(*options)
    organisation: Organisation = db.first_or_404(query)
    return organisation


def _access(organisation: Organisation, *, manage: bool = False) -> Membership | None:
    """Refuse anyone but the organisation's members (its managers, with `manage`) and staff:
    404 while outsiders may not know it exists, else 403. Returns the viewer's membership."""
    user = signed_in_user()
    membership = services.membership_of(user, organisation)
    if user.is_staff:
        return membership
    if membership is None:
        abort(403 if organisation.is_approved else 404)
    if manage and not membership.can_manage:
        abort(403)
    return membership


def _fill_choices(form: OrganisationForm) -> OrganisationForm:
    form.locality.choices = locality_choices(blank="Choose an area")
    form.causes.choices = [SelectChoice(str(c.id), c.label) for c in concepts_in("cause")]
    return form


# --- Public pages ---------------------------------------------------------------------------


@bp.get("/organisations")
def directory() -> str:
    args = request.args
    wanted = queries.directory_filter(
        args.get("q", ""), args.getlist("kind"), args.getlist("locality")
    )
    form = DirectoryFilterForm(args)
    form.locality.choices = [SelectChoice("", "Any area")] + [
        SelectChoice(item.slug, item.name) for item in active_items(Locality)
    ]
    page = db.paginate(
        queries.directory_query(wanted), per_page=DIRECTORY_PAGE_SIZE, error_out=False
    )
    return render_template("organisations/directory.html", form=form, page=page, wanted=wanted)


@bp.get("/organisations/<slug>")
def detail(slug: str) -> str:
    organisation = _organisation(
        slug, selectinload(Organisation.locality), selectinload(Organisation.causes)
    )
    user = current_user if current_user.is_authenticated else None
    member = services.can_coordinate(user, organisation)
    if not organisation.is_approved and not member:
        abort(404)
    roles = search_page(RoleFilters(organisation=(organisation.slug,)), per_page=ROLES_SHOWN)
    return render_template(
        "organisations/detail.html", organisation=organisation, member=member, roles=roles
    )


@bp.route("/organisations/register", methods=["GET", "POST"])
@limiter.limit(
    EMAILS_PER_ADDRESS,
    methods=["POST"],
    exempt_when=lambda: bool(current_user.is_authenticated),
)
def register() -> PageResult:
    signed_in = bool(current_user.is_authenticated)
    form_class = OrganisationForm if signed_in else RegisterWithAccountForm
    form = _fill_choices(form_class(new=True))
    if not form.validate_on_submit():
        return render_form("organisations/form.html", form, mode="register")
    if isinstance(form, RegisterWithAccountForm):
        _register_with_account(form)
        return redirect(url_for("organisations.registered"))
    organisation = services.register_organisation(form.details(), signed_in_user())
    db.session.commit()
    flash(
        "Thank you: the organisation is registered. Hub staff will review it and email "
        "you when they have decided.",
        "success",
    )
    return redirect(url_for("organisations.manage", slug=organisation.slug))


def _register_with_account(form: RegisterWithAccountForm) -> None:
    """A new account and its pending organisation; when the address already has an account,
    only the email `register` sends its owner (the page shown is the same either way)."""
    details = accounts.SignUp(
        name=form.your_name.data,
        email=form.your_email.data,
        password=form.password.data,
        postcode=None,
        locality_id=None,
    )
    try:
        founder = accounts.register(details)
        if founder is not None:
            services.register_organisation(form.details(), founder)
        db.session.commit()
    except IntegrityError:  # the same address registered twice at once: one account
        db.session.rollback()


@bp.get("/organisations/register/next-steps")
def registered() -> str:
    return render_template("organisations/registered.html")


# --- The organisation's own pages -----------------------------------------------------------


@bp.get("/org/<slug>")
@login_required
def manage(slug: str) -> str:
    organisation = _organisation(
        slug, selectinload(Organisation.locality), selectinload(Organisation.causes)
    )
    membership = _access(organisation)
    members = db.session.scalars(queries.members_query(organisation).limit(10)).all()
    return render_template(
        "organisations/manage.html",
        organisation=organisation,
        can_manage=membership is None or membership.can_manage,
        members=members,
        roles=roles_of(organisation),
    )


@bp.route("/org/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> PageResult:
    organisation = _organisation(slug, selectinload(Organisation.causes))
    _access(organisation, manage=True)
    if request.method == "POST":
        form = _fill_choices(OrganisationForm())
    else:
        form = _fill_choices(OrganisationForm(data=form_data(organisation)))
    if not form.validate_on_submit():
        return render_form("organisations/form.html", form, mode="edit", organisation=organisation)
    resubmitted = services.update_organisation(organisation, form.details(), signed_in_user())
    db.session.commit()
    if resubmitted:
        flash("The changes are saved and the organisation is back with hub staff for review.")
    else:
        flash("The organisation's details have been saved.", "success")
    return redirect(url_for("organisations.manage", slug=organisation.slug))


def _members_page(organisation: Organisation, invite_form: InviteForm, error: str = "") -> str:
    membership = _access(organisation)
    page = db.paginate(
        queries.members_query(organisation),
        per_page=int(current_app.config["PAGE_SIZE"]),
        error_out=False,
    )
    can_manage = membership is None or membership.can_manage
    return render_template(
        "organisations/members.html",
        organisation=organisation,
        page=page,
        form=invite_form,
        confirm=ConfirmForm(),
        can_manage=can_manage,
        invitations=queries.open_invitations(organisation) if can_manage else [],
        error=error,
        you=signed_in_user(),
    )


@bp.get("/org/<slug>/members")
@login_required
def members(slug: str) -> str:
    return _members_page(_organisation(slug), InviteForm(formdata=None))


@bp.post("/org/<slug>/members/invite")
@login_required
@limiter.limit(INVITES_PER_ACCOUNT, key_func=lambda: f"user:{signed_in_user().id}")
def invite(slug: str) -> PageResult:
    organisation = _organisation(slug)
    _access(organisation, manage=True)
    form = InviteForm()
    if not form.validate_on_submit():
        return _members_page(organisation, form), 422
    level = MembershipLevel(form.level.data)
    try:
        memberships.invite(organisation, form.email.data, level, signed_in_user())
    except memberships.InvitationRefused as refused:
        return _members_page(organisation, form, str(refused)), 422
    db.session.commit()
    flash(f"We have emailed an invitation to {form.email.data.lower()}.", "success")
    return redirect(url_for("organisations.members", slug=organisation.slug))


@bp.post("/org/<slug>/members/<int:membership_id>/remove")
@login_required
def remove_member(slug: str, membership_id: int) -> PageResult:
    organisation = _organisation(slug)
    _access(organisation, manage=True)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    user = signed_in_user()
    leaving = membership.user_id == user.id
    name = membership.user.name
    try:
        memberships.remove_member(membership, user)
    except memberships.MembershipRefused as refused:
        db.session.rollback()
        return _members_page(organisation, InviteForm(formdata=None), str(refused)), 422
    db.session.commit()
    if leaving and not user.is_staff:
        flash(f"You have left {organisation.name}.", "success")
        return redirect(url_for("volunteers.account"))
    flash(f"{name} is no longer a member of {organisation.name}.", "success")
    return redirect(url_for("organisations.members", slug=organisation.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> PageResult:
    try:
        invitation = memberships.invitation_for(token)
    except memberships.InvitationInvalid:
        return render_template("organisations/invitation_invalid.html"), 400
    form = ConfirmForm()
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        if form.validate_on_submit():
            try:
                memberships.accept_invitation(invitation, signed_in_user())
            except memberships.InvitationRefused as refused:
                form.form_errors.append(str(refused))
                return _invitation_page(invitation, form), 422
            except memberships.InvitationInvalid:
                db.session.rollback()
                return render_template("organisations/invitation_invalid.html"), 400
            db.session.commit()
            flash(f"You have joined {invitation.organisation.name}.", "success")
            return redirect(url_for("organisations.manage", slug=invitation.organisation.slug))
    return _invitation_page(invitation, form)


def _invitation_page(invitation: Invitation, form: ConfirmForm) -> str:
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    return render_template(
        "organisations/invitation.html", invitation=invitation, inviter=inviter, form=form
    )


# --- Hub staff ------------------------------------------------------------------------------


@bp.get("/staff/organisations")
@staff_required
def queue() -> str:
    form = QueueFilterForm(request.args)
    status = form.status.data if form.validate() else None
    page = db.paginate(
        queries.queue_query(status or None),
        per_page=int(current_app.config["PAGE_SIZE"]),
        error_out=False,
    )
    return render_template("organisations/queue.html", form=form, page=page)


def _review_page(organisation: Organisation, form: DecisionForm) -> str:
    form.offer(services.decisions_for(organisation))
    history = db.paginate(queries.history_query(organisation), per_page=50, error_out=False)
    founder = (
        db.session.get(User, organisation.created_by_id) if organisation.created_by_id else None
    )
    return render_template(
        "organisations/review.html",
        organisation=organisation,
        form=form,
        history=history,
        founder=founder,
        today=local_today(),
        members=db.session.scalars(queries.members_query(organisation).limit(20)).all(),
    )


@bp.get("/staff/organisations/<slug>")
@staff_required
def review(slug: str) -> str:
    organisation = _organisation(
        slug, selectinload(Organisation.locality), selectinload(Organisation.causes)
    )
    return _review_page(organisation, DecisionForm(formdata=None))


@bp.post("/staff/organisations/<slug>/decision")
@staff_required
def decide(slug: str) -> PageResult:
    organisation = _organisation(slug)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _review_page(organisation, form), 422
    decision = services.Decision(form.decision.data)
    try:
        services.decide(organisation, decision, signed_in_user(), form.reason.data or "")
    except services.ReasonRequired as refused:
        form.reason.errors.append(str(refused))
        return _review_page(organisation, form), 422
    except services.TransitionRefused as refused:
        form.decision.errors.append(str(refused))
        return _review_page(organisation, form), 422
    told = services.managers(organisation)
    db.session.commit()
    emailed = " Its managers have been emailed." if told else ""
    flash(f"{organisation.name} is now {organisation.status}.{emailed}")
    return redirect(url_for("organisations.review", slug=organisation.slug))


@bp.route("/staff/organisations/new", methods=["GET", "POST"])
@staff_required
def create() -> PageResult:
    form = _fill_choices(OrganisationForm(new=True))
    if not form.validate_on_submit():
        return render_form("organisations/form.html", form, mode="create")
    organisation = services.create_organisation(form.details(), signed_in_user())
    db.session.commit()
    flash(f"{organisation.name} has been added and approved. Invite its coordinators below.")
    return redirect(url_for("organisations.members", slug=organisation.slug))
