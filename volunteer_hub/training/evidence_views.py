"""Training done elsewhere: volunteers submit it with evidence, staff verify or record it.

A record's evidence is served only to its own volunteer and to hub staff; anyone else gets 404,
whether or not the record exists.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..auth.models import User
from ..extensions import db
from ..files import StoredFile, UploadRefused
from ..permissions import signed_in_user, staff_required
from ..web import render_form
from . import evidence as training_evidence
from .forms import DecisionForm, RecordForm, SubmitForm
from .models import Course, RecordSource, RecordStatus, TrainingRecord
from .services import TrainingRefused

bp = Blueprint("evidence", __name__)

PageResult = Response | str | tuple[str, int]
QUEUE_PAGE_SIZE = 20


def _with_courses(form: SubmitForm | RecordForm) -> SubmitForm | RecordForm:
    courses = db.session.scalars(
        select(Course).where(Course.archived.is_(False)).order_by(Course.title, Course.id)
    )
    form.course.choices = [SelectChoice("", "Choose a course")] + [
        SelectChoice(str(course.id), course.title) for course in courses
    ]
    return form


def _chosen_course(form: SubmitForm | RecordForm) -> Course:
    return db.session.get_one(Course, int(form.course.data))


@bp.route("/me/training/submit", methods=["GET", "POST"])
@login_required
def submit() -> PageResult:
    form = _with_courses(SubmitForm())
    if form.validate_on_submit():
        try:
            training_evidence.submit_training(
                signed_in_user(),
                _chosen_course(form),
                form.completed_on.data,
                form.evidence.data.filename or "",
                form.upload,
                form.note.data or "",
            )
        except UploadRefused as refused:
            db.session.rollback()
            form.evidence.errors = [*form.evidence.errors, str(refused)]
        except TrainingRefused as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash("Thank you: the hub will check your evidence and email you.", "success")
            return redirect(url_for(training_evidence.MY_TRAINING))
    return render_form("training/evidence_submit.html", form)


@bp.get("/training/records/<int:record_id>/evidence")
@login_required
def download(record_id: int) -> Response:
    record = db.session.get(TrainingRecord, record_id)
    if record is None or record.evidence_id is None:
        abort(404)
    if not training_evidence.can_download(signed_in_user(), record):
        abort(404)
    stored = db.session.get_one(StoredFile, record.evidence_id)
    name = secure_filename(stored.filename) or f"evidence-{record.id}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    return Response(stored.data, mimetype=stored.content_type, headers=headers)


@bp.get("/staff/training/evidence")
@staff_required
def queue() -> str:
    query = (
        select(TrainingRecord)
        .where(
            TrainingRecord.status == RecordStatus.PENDING,
            TrainingRecord.source == RecordSource.SUBMITTED,
        )
        .options(joinedload(TrainingRecord.volunteer), joinedload(TrainingRecord.course))
        .order_by(TrainingRecord.created_at, TrainingRecord.id)
    )
    page = db.paginate(query, per_page=QUEUE_PAGE_SIZE, error_out=False)
    return render_template("training/evidence_queue.html", page=page)


@bp.route("/staff/training/records/<int:record_id>", methods=["GET", "POST"])
@staff_required
def review(record_id: int) -> PageResult:
    record: TrainingRecord = db.first_or_404(
        select(TrainingRecord)
        .where(TrainingRecord.id == record_id)
        .options(
            joinedload(TrainingRecord.volunteer),
            joinedload(TrainingRecord.course),
            joinedload(TrainingRecord.evidence),
            joinedload(TrainingRecord.decided_by),
            joinedload(TrainingRecord.recorded_by),
        )
    )
    form = DecisionForm()
    if form.is_submitted() and record.status != RecordStatus.PENDING:
        form.form_errors.append("This record has already been decided. Nothing was changed.")
    elif form.validate_on_submit():
        try:
            if form.decision.data == "verify":
                training_evidence.verify_record(record, signed_in_user())
            else:
                training_evidence.reject_record(record, signed_in_user(), form.reason.data or "")
        except training_evidence.ReasonNeeded as refused:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(refused)]
        except TrainingRefused as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(_decided_words(form.decision.data, record), "success")
            return redirect(url_for("evidence.queue"))
    return render_form("training/evidence_review.html", form, record=record)


def _decided_words(decision: str, record: TrainingRecord) -> str:
    who = record.volunteer.name if record.volunteer else "The volunteer"
    done = "verified" if decision == "verify" else "rejected"
    return f"{record.course.title}: {done}. {who} has been emailed."


@bp.route("/staff/volunteers/<int:user_id>/training/new", methods=["GET", "POST"])
@staff_required
def record_elsewhere(user_id: int) -> PageResult:
    volunteer = db.get_or_404(User, user_id)
    if volunteer.deleted_at is not None:
        abort(404)
    form = _with_courses(RecordForm())
    if form.validate_on_submit():
        try:
            training_evidence.record_elsewhere(
                volunteer,
                _chosen_course(form),
                form.completed_on.data,
                signed_in_user(),
                form.note.data or "",
            )
        except TrainingRefused as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash("The training has been recorded.", "success")
            return redirect(url_for("staff.volunteer", user_id=volunteer.id))
    return render_form("training/evidence_record_form.html", form, volunteer=volunteer)
