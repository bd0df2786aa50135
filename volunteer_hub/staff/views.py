"""`/staff/...`: the hub team's pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from ..audit.models import AuditEvent
from ..auth.models import AccessLevel, User
from ..awards.queries import count_waiting as nominations_waiting
from ..clock import local_today
from ..extensions import db
from ..hours.queries import count_pending as hours_pending
from ..mail import OutboxEmail
from ..permissions import admin_required, signed_in_user, staff_required
from ..placements.queries import QueueFilters, staff_queue
from ..reference.settings import setting_int
from ..reports.filters import ReportFilters
from ..reports.forms import PeriodForm
from ..reports.presenting import headline_of, method_of
from ..reports.report import build_report
from ..training import expiry as training_expiry
from ..training.evidence import count_waiting
from ..training.queries import records_of
from ..volunteers.models import Check
from ..volunteers.services import CheckData, checks_for, record_check, renewal_date
from ..web import render_form
from . import services
from .forms import AccessLevelForm, CheckForm, VolunteerSearchForm

bp = Blueprint("staff", __name__, url_prefix="/staff")

PageResult = Response | str | tuple[str, int]


def _per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])


@bp.get("/")
@staff_required
def dashboard() -> PageResult:
    today = local_today()
    waiting = db.session.scalars(staff_queue(QueueFilters(), today).limit(10)).all()
    period = PeriodForm(request.args)
    summary = None
    if period.validate():
        start, end = period.dates(today)
        summary = build_report(ReportFilters(start, end), breakdowns=False)
    page = render_template(
        "staff/dashboard.html",
        period=period,
        summary=summary,
        headline=headline_of(summary) if summary else [],
        method=method_of(summary) if summary else None,
        figures=services.dashboard_figures(today),
        training_expiring=training_expiry.count_expiring(today),
        training_gaps=training_expiry.count_gaps(today),
        evidence_waiting=count_waiting(),
        hours_waiting=hours_pending(),
        nominations_waiting=nominations_waiting(),
        waiting=waiting,
        today=today,
    )
    return page, 200 if summary else 422


@bp.get("/volunteers")
@staff_required
def volunteers() -> PageResult:
    form = VolunteerSearchForm(request.args)
    text = form.q.data if form.validate() else None
    page = db.paginate(services.volunteer_query(text), per_page=_per_page(), error_out=False)
    return render_template("staff/volunteers.html", form=form, page=page)


def _volunteer_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.deleted_at is not None:
        abort(404)
    return user


@bp.get("/volunteers/<int:user_id>")
@staff_required
def volunteer(user_id: int) -> str:
    user = _volunteer_or_404(user_id)
    checks = checks_for(user)
    months = setting_int("dbs_recheck_months")
    return render_template(
        "staff/volunteer.html",
        volunteer=user,
        profile=user.profile,
        checks=[(check, renewal_date(check, months)) for check in checks],
        records=records_of(user),
        today=local_today(),
    )


def _check_data(form: CheckForm) -> CheckData:
    return CheckData(
        kind=form.kind.data,
        level=form.level.data,
        certificate_number=form.certificate_number.data,
        issued_on=form.issued_on.data,
        update_service=form.update_service.data,
        last_status_check_on=form.last_status_check_on.data,
    )


@bp.route("/volunteers/<int:user_id>/checks/new", methods=["GET", "POST"])
@staff_required
def new_check(user_id: int) -> PageResult:
    user = _volunteer_or_404(user_id)
    form = CheckForm()
    if form.validate_on_submit():
        record_check(user, _check_data(form), signed_in_user())
        db.session.commit()
        flash("The check has been recorded.", "success")
        return redirect(url_for("staff.volunteer", user_id=user.id))
    return render_form("staff/check_form.html", form, volunteer=user, check=None)


@bp.route("/checks/<int:check_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_check(check_id: int) -> PageResult:
    check = db.get_or_404(Check, check_id)
    volunteer = _volunteer_or_404(check.volunteer_id)
    form = CheckForm(obj=check) if request.method == "GET" else CheckForm()
    if form.validate_on_submit():
        record_check(volunteer, _check_data(form), signed_in_user(), check=check)
        db.session.commit()
        flash("The check has been corrected.", "success")
        return redirect(url_for("staff.volunteer", user_id=volunteer.id))
    return render_form("staff/check_form.html", form, volunteer=volunteer, check=check)


@bp.get("/outbox")
@staff_required
def outbox() -> str:
    query = select(OutboxEmail).order_by(OutboxEmail.id.desc())
    page = db.paginate(query, per_page=_per_page(), error_out=False)
    return render_template("staff/outbox.html", page=page)


@bp.get("/outbox/<int:message_id>")
@staff_required
def outbox_message(message_id: int) -> str:
    return render_template(
        "staff/outbox_message.html", message=db.get_or_404(OutboxEmail, message_id)
    )


@bp.get("/audit")
@staff_required
def audit() -> str:
    query = (
        select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    )
    action = request.args.get("action", "").strip()[:80]
    if action:
        query = query.where(AuditEvent.action == action)
    page = db.paginate(query, per_page=_per_page(), error_out=False)
    return render_template("staff/audit.html", page=page, action=action)


@bp.get("/users")
@admin_required
def users() -> str:
    form = VolunteerSearchForm(request.args)
    text = form.q.data if form.validate() else None
    page = db.paginate(services.user_query(text), per_page=_per_page(), error_out=False)
    return render_template("staff/users.html", form=form, page=page)


@bp.route("/users/<int:user_id>/access", methods=["GET", "POST"])
@admin_required
def user_access(user_id: int) -> PageResult:
    user = _volunteer_or_404(user_id)
    form = (
        AccessLevelForm(data={"access_level": user.access_level})
        if request.method == "GET"
        else AccessLevelForm()
    )
    if form.validate_on_submit():
        try:
            changed = services.change_access_level(
                user, AccessLevel(form.access_level.data), signed_in_user()
            )
        except services.AccessChangeRefused as refused:
            form.access_level.errors.append(str(refused))
            return render_form("staff/user_access.html", form, account=user)
        db.session.commit()
        if changed:
            flash(f"{user.name} is now {form.access_level.data}.", "success")
        return redirect(url_for("staff.users"))
    return render_form("staff/user_access.html", form, account=user)
