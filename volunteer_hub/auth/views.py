"""Account pages: `/signup`, `/login`, `/logout`, `/password-reset`, verification and changes."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..extensions import db, limiter
from ..permissions import signed_in_user
from ..reference.services import locality_choices
from ..web import client_ip, render_form, safe_next
from . import services
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ResetPasswordForm,
    SignUpForm,
)

bp = Blueprint("auth", __name__)

PageResult = Response | str | tuple[str, int]
EMAILS_PER_ADDRESS = "20 per hour"  # sign-ups, resends and resets from one client address
EMAILS_PER_ACCOUNT = "5 per hour"


def _account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))[:254]


def _signed_in_key() -> str:
    return f"user:{signed_in_user().id}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _refused(response: Response) -> bool:
    return response.status_code == 422


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(EMAILS_PER_ADDRESS, methods=["POST"], scope="email-address")
def signup() -> PageResult:
    form = SignUpForm()
    form.locality.choices = locality_choices(blank="Choose an area")
    if form.validate_on_submit():
        details = services.SignUp(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            postcode=form.postcode.data,
            locality_id=int(form.locality.data) if form.locality.data else None,
        )
        try:
            services.register(details)
            db.session.commit()
        except IntegrityError:  # the same address signed up twice at once: one account
            db.session.rollback()
        return redirect(url_for("auth.check_email"))
    return render_form("auth/signup.html", form)


@bp.get("/signup/check-email")
def check_email() -> str:
    return render_template("auth/check_email.html", form=EmailOnlyForm())


@bp.post("/verify/resend")
@limiter.limit(EMAILS_PER_ACCOUNT, key_func=_account_key, scope="email-account")
@limiter.limit(EMAILS_PER_ADDRESS, scope="email-address")
def resend_verification() -> PageResult:
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        return render_form("auth/check_email.html", form)
    services.resend_verification(form.email.data)
    db.session.commit()
    flash("If that address has an account waiting for confirmation, we have sent a new link.")
    return redirect(url_for("auth.check_email"))


@bp.get("/verify/<token>")
def verify_email(token: str) -> PageResult:
    try:
        services.verify_email(token)
    except services.InvalidLink:
        return render_template("auth/link_expired.html", form=EmailOnlyForm()), 400
    db.session.commit()
    flash("Thank you: your email address is confirmed. You can now sign in.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    scope="login-address",
)
def login() -> PageResult:
    form = LoginForm()
    next_url = safe_next(request.values.get("next"), url_for("volunteers.account"))
    if not form.validate_on_submit():
        return render_form("auth/login.html", form, next_url=next_url)
    try:
        user = services.authenticate(form.email.data, form.password.data, client_ip())
    except services.LoginRefused as refused:
        db.session.commit()  # keep the audit event of the failure
        form.form_errors.append(str(refused))
        return render_template("auth/login.html", form=form, next_url=next_url), 401
    db.session.commit()
    session.clear()  # a fresh session for the signed-in person
    login_user(user, remember=form.remember.data)
    flash(f"Welcome back, {user.name}.", "success")
    return redirect(next_url)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("public.home"))


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(EMAILS_PER_ACCOUNT, key_func=_account_key, methods=["POST"], scope="email-account")
@limiter.limit(EMAILS_PER_ADDRESS, methods=["POST"], scope="email-address")
def password_reset_request() -> PageResult:
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/password_reset_sent.html", email=form.email.data)
    return render_form("auth/password_reset_request.html", form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def password_reset(token: str) -> PageResult:
    try:
        user = services.user_for_reset_token(token)
    except services.InvalidLink:
        return render_template("auth/link_expired.html", form=EmailOnlyForm(), reset=True), 400
    form = ResetPasswordForm(personal=(user.name, user.email))
    if form.validate_on_submit():
        services.set_password(user, form.password.data, reason="reset")
        db.session.commit()
        logout_user()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/password_reset.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", key_func=_signed_in_key, deduct_when=_refused, methods=["POST"])
def change_password() -> PageResult:
    user = signed_in_user()
    form = ChangePasswordForm(personal=(user.name, user.email))
    if form.validate_on_submit():
        if not services.confirm_password(user, form.current_password.data, client_ip()):
            db.session.commit()  # keep the audit event
            form.current_password.errors.append("Your current password is not right")
            return render_form("auth/change_password.html", form)
        services.set_password(user, form.password.data, reason="changed")
        db.session.commit()
        remembered = "remember_token" in request.cookies
        login_user(user, remember=remembered)  # this session goes on; the others have ended
        flash("Your password has been changed.", "success")
        return redirect(url_for("volunteers.account"))
    return render_form("auth/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", key_func=_signed_in_key, deduct_when=_refused, methods=["POST"])
def change_email() -> PageResult:
    user = signed_in_user()
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not services.confirm_password(user, form.current_password.data, client_ip()):
            db.session.commit()  # keep the audit event
            form.current_password.errors.append("Your current password is not right")
            return render_form("auth/change_email.html", form)
        try:
            new_email = services.request_email_change(user, form.email.data)
        except services.EmailChangeRefused as refused:
            form.email.errors.append(str(refused))
            return render_form("auth/change_email.html", form)
        db.session.commit()
        flash(f"We have sent a link to {new_email}. Your address changes when you open it.")
        return redirect(url_for("volunteers.account"))
    return render_form("auth/change_email.html", form)


@bp.get("/account/email/confirm/<token>")
def confirm_email_change(token: str) -> PageResult:
    try:
        services.confirm_email_change(token)
    except (services.InvalidLink, services.EmailChangeRefused) as failed:
        return render_template("auth/email_change_failed.html", reason=str(failed)), 400
    db.session.commit()
    flash("Your email address has been changed.", "success")
    return redirect(url_for("volunteers.account"))
