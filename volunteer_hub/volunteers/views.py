"""The signed-in person's own pages: `/account`, the profile, export and deletion."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, logout_user
from werkzeug.wrappers import Response

from ..auth.services import confirm_password
from ..extensions import db, limiter
from ..organisations.services import organisations_of
from ..periods import DAYS, PARTS
from ..permissions import signed_in_user
from ..privacy import ErasureRefused, erase_account, export_account
from ..reference.models import Category, Skill
from ..reference.services import item_choices, locality_choices
from ..web import client_ip, render_form
from . import services
from .forms import DeleteAccountForm, ProfileForm, period_choices
from .models import VolunteerProfile

bp = Blueprint("volunteers", __name__)

PageResult = Response | str | tuple[str, int]


@bp.get("/account")
@login_required
def account() -> str:
    user = signed_in_user()
    return render_template(
        "volunteers/account.html",
        user=user,
        profile=user.profile,
        organisations=organisations_of(user),
    )


def _profile_form() -> ProfileForm:
    """The profile form: on GET filled from the stored profile, on POST from what was sent."""
    profile = services.profile_for(signed_in_user())
    form = ProfileForm() if request.method == "POST" else ProfileForm(data=_profile_data(profile))
    form.locality.choices = locality_choices(blank="Choose an area")
    form.skills.choices = item_choices(Skill)
    form.interests.choices = item_choices(Category)
    form.availability.choices = period_choices()
    return form


def _profile_data(profile: VolunteerProfile) -> dict[str, Any]:
    return {
        "phone": profile.phone,
        "postcode": profile.postcode,
        "locality": str(profile.locality_id or ""),
        "date_of_birth": profile.date_of_birth,
        "employer": profile.employer,
        "skills": [str(skill.id) for skill in profile.skills],
        "interests": [str(category.id) for category in profile.interests],
        "availability": sorted(profile.period_slugs),
        "emergency_contact_name": profile.emergency_contact_name,
        "emergency_contact_phone": profile.emergency_contact_phone,
        "emergency_contact_relationship": profile.emergency_contact_relationship,
        "contact_by_email": profile.contact_by_email,
        "contact_by_sms": profile.contact_by_sms,
        "marketing": profile.marketing_consent,
    }


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile() -> PageResult:
    form = _profile_form()
    if form.validate_on_submit():
        services.update_profile(
            signed_in_user(),
            services.ProfileData(
                phone=form.phone.data,
                postcode=form.postcode.data,
                locality_id=int(form.locality.data) if form.locality.data else None,
                date_of_birth=form.date_of_birth.data,
                employer=form.employer.data,
                skill_ids=[int(value) for value in form.skills.data],
                interest_ids=[int(value) for value in form.interests.data],
                periods=list(form.availability.data),
                emergency_contact_name=form.emergency_contact_name.data,
                emergency_contact_phone=form.emergency_contact_phone.data,
                emergency_contact_relationship=form.emergency_contact_relationship.data,
                contact_by_email=form.contact_by_email.data,
                contact_by_sms=form.contact_by_sms.data,
                marketing=form.marketing.data,
            ),
        )
        db.session.commit()
        flash("Your profile has been saved.", "success")
        return redirect(url_for("volunteers.account"))
    return render_form("volunteers/profile_form.html", form, days=DAYS, parts=PARTS)


@bp.get("/account/export")
@login_required
def export() -> Response:
    user = signed_in_user()
    body = json.dumps(export_account(user), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="volunteer-hub-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(
    "10 per 15 minutes",
    key_func=lambda: f"user:{signed_in_user().id}",
    deduct_when=lambda response: response.status_code == 422,
    methods=["POST"],
)
def delete() -> PageResult:
    user = signed_in_user()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not confirm_password(user, form.password.data, client_ip()):
            db.session.commit()  # keep the audit event
            form.password.errors.append("Your password is not right")
            return render_form("volunteers/delete.html", form)
        try:
            erase_account(user, actor=user)
        except ErasureRefused as refused:
            form.form_errors.append(str(refused))
            return render_form("volunteers/delete.html", form)
        db.session.commit()
        logout_user()
        flash("Your account has been deleted. Thank you for volunteering with us.", "success")
        return redirect(url_for("public.home"))
    return render_form("volunteers/delete.html", form)
