"""Running training: courses (staff manage all, coordinators their organisation's), their
sessions, and the register the people running a session take on the day."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from ..audit.services import record_event
from ..auth.models import User
from ..clock import to_local
from ..database import utcnow
from ..extensions import db
from ..organisations.models import Organisation
from ..permissions import signed_in_user
from ..reference.models import Category, Locality
from ..reference.services import items_by_ids
from ..shifts.forms import AttendanceForm
from ..shifts.services import ShiftRefused, real_moment
from ..web import render_form
from . import services, sessions
from .forms import HUB_PROVIDER, CancelSessionForm, CourseForm, SessionForm
from .models import BookingStatus, Course, TrainingBooking, TrainingSession
from .queries import next_sessions, recent_sessions

bp = Blueprint("courses", __name__)

PageResult = Response | str | tuple[str, int]
REGISTERS_STAY_OPEN = timedelta(days=30)  # past sessions listed for their registers


def _providers(user: User) -> list[tuple[str, str]]:
    choices = [(HUB_PROVIDER, "The volunteer hub")] if user.is_staff else []
    return choices + [(str(org.id), org.name) for org in services.providers_for(user)]


def _course_form(user: User, **kwargs: object) -> CourseForm:
    form = CourseForm(**kwargs)
    form.provider.choices = _providers(user)
    categories = db.session.scalars(select(Category).order_by(Category.name)).all()
    form.categories.choices = [(str(category.id), category.name) for category in categories]
    return form


def _apply(form: CourseForm, course: Course) -> None:
    course.title = form.title.data
    course.description = form.description.data or ""
    course.organisation = (
        None
        if form.provider.data == HUB_PROVIDER
        else db.session.get(Organisation, int(form.provider.data))
    )
    course.delivery = form.delivery.data
    course.duration_minutes = form.duration_minutes.data or 0
    course.validity_months = form.validity_months.data
    course.categories = items_by_ids(Category, [int(value) for value in form.categories.data])
    course.archived = bool(form.archived.data)


def _managed_course(course_id: int) -> Course:
    course = db.get_or_404(Course, course_id)
    if not services.can_manage_course(signed_in_user(), course):
        abort(404)
    return course


@bp.get("/training/courses")
@login_required
def courses() -> str:
    """The courses the person manages: every course for staff, else their organisations'."""
    user = signed_in_user()
    statement = select(Course).options(joinedload(Course.organisation)).order_by(Course.title)
    if not user.is_staff:
        ids = [organisation.id for organisation in services.providers_for(user)]
        if not ids:
            abort(403)
        statement = statement.where(Course.organisation_id.in_(ids))
    page = db.paginate(statement, per_page=int(current_app.config["PAGE_SIZE"]), error_out=False)
    return render_template("training/courses.html", page=page)


@bp.route("/training/courses/new", methods=["GET", "POST"])
@login_required
def new_course() -> PageResult:
    user = signed_in_user()
    form = _course_form(user)
    if not form.provider.choices:
        abort(403)
    if form.validate_on_submit():
        course = Course()
        _apply(form, course)
        db.session.add(course)
        db.session.flush()
        record_event("training.course_added", actor=user, subject=course)
        db.session.commit()
        flash(f"“{course.title}” added. Now add its sessions.", "success")
        return redirect(url_for("courses.course", course_id=course.id))
    return render_form("training/course_form.html", form, course=None)


@bp.route("/training/courses/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit_course(course_id: int) -> PageResult:
    course = _managed_course(course_id)
    user = signed_in_user()
    form = _course_form(
        user,
        obj=course,
        provider=str(course.organisation_id or HUB_PROVIDER),
        categories=[str(category.id) for category in course.categories],
    )
    if form.validate_on_submit():
        _apply(form, course)
        record_event("training.course_changed", actor=user, subject=course)
        db.session.commit()
        flash("Course saved.", "success")
        return redirect(url_for("courses.course", course_id=course.id))
    return render_form("training/course_form.html", form, course=course)


@bp.get("/training/courses/<int:course_id>")
def course(course_id: int) -> str:
    """A course and its coming sessions: public while the course is offered."""
    found: Course = db.first_or_404(
        select(Course).where(Course.id == course_id).options(joinedload(Course.organisation))
    )
    manages = services.can_manage_course(signed_in_user(), found)
    if not services.is_offered(found) and not manages:
        abort(404)
    now = utcnow()
    sessions = next_sessions([found.id], now, per_course=50)[found.id]
    recent = recent_sessions(found.id, now - REGISTERS_STAY_OPEN, now) if manages else []
    held = services.places_held([session.id for session in sessions + recent])
    return render_template(
        "training/course.html",
        course=found,
        sessions=sessions,
        recent=recent,
        held=held,
        manages=manages,
    )


def _session_form(**data: object) -> SessionForm:
    form = SessionForm(data=data or None)
    localities = db.session.scalars(select(Locality).order_by(Locality.name)).all()
    form.locality.choices = [("", "Not given")] + [(str(p.id), p.name) for p in localities]
    return form


@bp.route("/training/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(course_id: int) -> PageResult:
    course = _managed_course(course_id)
    form = _session_form()
    form.delivery = course.delivery
    if form.validate_on_submit():
        try:
            sessions.add_session(course, _plan(form), signed_in_user())
        except (services.TrainingRefused, ShiftRefused) as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash("Session added to the training calendar.", "success")
            return redirect(url_for("courses.course", course_id=course.id))
    return render_form("training/session_form.html", form, course=course, session=None)


def _plan(form: SessionForm) -> sessions.SessionPlan:
    """What the form says, in UTC (refused for a time the clocks skip)."""
    return sessions.SessionPlan(
        starts_at=real_moment(form.day.data, form.start.data),
        ends_at=real_moment(form.day.data, form.end.data),
        places=form.places.data or 0,
        venue=form.venue.data or "",
        locality=db.session.get(Locality, int(form.locality.data)) if form.locality.data else None,
        online_link=form.online_link.data or "",
        runners=tuple(form.runner_accounts),
    )


@bp.route("/training/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int) -> PageResult:
    session = db.get_or_404(TrainingSession, session_id)
    if not services.can_manage_course(signed_in_user(), session.course):
        abort(404)
    starts, ends = to_local(session.starts_at), to_local(session.ends_at)
    form = _session_form(
        day=starts.date(),
        start=starts.time(),
        end=ends.time(),
        places=session.places,
        venue=session.venue,
        locality=str(session.locality_id or ""),
        online_link=session.online_link,
        runners="\n".join(runner.email for runner in session.runners),
    )
    form.delivery = session.course.delivery
    if form.validate_on_submit():
        try:
            told = sessions.change_session(session, _plan(form), signed_in_user())
        except (services.TrainingRefused, ShiftRefused) as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(
                f"Session saved.{f' {told} told of the change by email.' if told else ''}",
                "success",
            )
            return redirect(url_for("training.session", session_id=session.id))
    return render_form("training/session_form.html", form, course=session.course, session=session)


@bp.route("/training/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_session(session_id: int) -> PageResult:
    """Call a session off, telling everyone booked or waiting why: one thing on the page."""
    session = db.get_or_404(TrainingSession, session_id)
    if not services.can_manage_course(signed_in_user(), session.course):
        abort(404)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            told = services.cancel_session(session, signed_in_user(), form.reason.data)
        except services.TrainingRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(
                f"Session cancelled. {told} {'person' if told == 1 else 'people'} emailed.",
                "success",
            )
            return redirect(url_for("courses.course", course_id=session.course_id))
    held = services.places_held([session.id]).get(session.id, 0)
    return render_form("training/cancel_session.html", form, session=session, held=held)


def _register_session(session_id: int) -> TrainingSession:
    session: TrainingSession = db.first_or_404(
        select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .options(
            joinedload(TrainingSession.course).joinedload(Course.organisation),
            selectinload(TrainingSession.runners),
        )
    )
    if not services.can_take_register(signed_in_user(), session):
        abort(404)
    return session


@bp.get("/training/sessions/<int:session_id>/register")
@login_required
def register(session_id: int) -> PageResult:
    return _render_register(_register_session(session_id))


def _render_register(session: TrainingSession, form: AttendanceForm | None = None) -> PageResult:
    form = form or AttendanceForm(formdata=None)
    page = render_template(
        "training/register.html",
        session=session,
        bookings=services.register_of(session),
        waiting=services.waiting_list(session),
        now=utcnow(),
        closes=services.register_closes(session),
        form=form,
    )
    return page, 422 if form.errors else 200


@bp.post("/training/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id: int) -> PageResult:
    session = _register_session(session_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        booking = db.session.get(TrainingBooking, form.booking_id.data)
        if booking is None or booking.session_id != session.id:
            abort(404)
        try:
            services.mark_attendance(booking, BookingStatus(form.status.data), signed_in_user())
        except services.TrainingRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash("Attendance recorded.", "success")
            return redirect(url_for("courses.register", session_id=session.id))
    return _render_register(session, form)
