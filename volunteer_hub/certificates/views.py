"""Certificates: anyone can check one by its code (`/certificates/<code>`); its recipient and
hub staff download the PDF; staff find and revoke certificates; volunteers list theirs."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..clock import local_today
from ..extensions import db
from ..forms import HubForm
from ..pdf import missing_fonts, pdf_response
from ..permissions import admin_required, signed_in_user, staff_required
from ..web import PageResult, render_form
from . import design as design_service
from . import services
from .models import Certificate
from .rendering import certificate_pdf, saved_design, verify_url
from .service_record import issue_service_record

bp = Blueprint("certificates", __name__)

PER_PAGE = 20


class RevokeForm(HubForm):
    reason = TextAreaField(
        "Why is it revoked?",
        description="Anyone who checks the certificate's code is shown this reason.",
        validators=[
            DataRequired("Enter the reason, so that anyone checking it is told why"),
            Length(max=500, message="Keep the reason to 500 characters or fewer"),
        ],
    )


def _certificate(code: str) -> Certificate:
    certificate = services.find_by_code(code)
    if certificate is None:
        abort(404)
    return certificate


@bp.get("/certificates/<code>")
def verify(code: str) -> PageResult:
    """The public check of a certificate: what it says and who issued it, or that it was
    revoked. Unknown codes are a 404 that says so."""
    certificate = services.find_by_code(code)
    viewer = signed_in_user() if current_user.is_authenticated else None
    if certificate is None or not services.can_see(viewer, certificate):
        return render_template("certificates/unknown.html"), 404
    return _render_verify(certificate, RevokeForm())


def _render_verify(certificate: Certificate, form: RevokeForm, status: int = 200) -> PageResult:
    viewer = signed_in_user() if current_user.is_authenticated else None
    page = render_template(
        "certificates/verify.html",
        certificate=certificate,
        url=verify_url(certificate),
        can_download=viewer is not None and services.can_download(viewer, certificate),
        can_revoke=viewer is not None and viewer.is_staff and not certificate.is_revoked,
        form=form,
    )
    return page, status


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str) -> Response:
    certificate = _certificate(code)
    if not services.can_download(signed_in_user(), certificate):
        abort(404)
    if certificate.is_revoked:
        abort(410, "This certificate was revoked, so it can no longer be downloaded.")
    return pdf_response(certificate_pdf(certificate), f"certificate-{certificate.code}.pdf")


@bp.post("/certificates/<code>/revoke")
@staff_required
def revoke(code: str) -> PageResult:
    certificate = _certificate(code)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _render_verify(certificate, form, 422)
    try:
        services.revoke(certificate, signed_in_user(), form.reason.data or "")
    except services.RevokeRefused as refused:
        form.reason.errors = [str(refused)]
        return _render_verify(certificate, form, 409)
    db.session.commit()
    flash("The certificate is revoked. Its code now says so, with your reason.", "success")
    return redirect(url_for("certificates.verify", code=certificate.code))


@bp.get("/me/certificates")
@login_required
def mine() -> str:
    page = db.paginate(
        services.certificates_of(signed_in_user()), per_page=PER_PAGE, error_out=False
    )
    return render_template("certificates/mine.html", page=page, form=HubForm())


@bp.post("/me/service-record")
@login_required
def service_record() -> Response:
    """Issue the person's record of service as it stands (or today's, unchanged) and send
    them its PDF."""
    form = HubForm()
    if not form.validate_on_submit():
        abort(400, "The form had expired. Please try again.")
    certificate = issue_service_record(signed_in_user(), local_today())
    db.session.commit()
    return redirect(url_for("certificates.download", code=certificate.code))


@bp.get("/staff/certificates")
@staff_required
def staff_list() -> str:
    """Every certificate, newest first; `q` finds a name, a title or a code."""
    words = (request.args.get("q") or "").strip()[:100]
    query = select(Certificate).order_by(Certificate.created_at.desc(), Certificate.id.desc())
    if words:
        pattern = f"%{words}%"
        query = query.where(
            or_(
                Certificate.recipient_name.ilike(pattern),
                Certificate.title.ilike(pattern),
                Certificate.code == words,
            )
        )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("certificates/staff_list.html", page=page, q=words)


@bp.route("/staff/certificates/design", methods=["GET", "POST"])
@admin_required
def design() -> PageResult:
    """Admins set how certificates look; "Preview" draws a sample with the unsaved values."""
    saved = saved_design()
    form = (
        design_service.DesignForm() if request.method == "POST" else design_service.form_for(saved)
    )
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            look = design_service.look_from(form, saved)
            preview = design_service.preview_pdf(look, local_today())
            return pdf_response(preview, "certificate-preview.pdf", inline=True)
        design_service.save_design(form, signed_in_user())
        db.session.commit()
        flash("The certificate design is saved.", "success")
        return redirect(url_for("certificates.design"))
    return render_form("certificates/design.html", form, design=saved, missing=missing_fonts())
