"""The judges' pages: `/judging` lists the shortlisted nominations of their categories, and
`/judging/<id>` scores one or declares a conflict of interest. A nomination a judge may not
judge (not theirs, not shortlisted, or a conflict declared) is unknown to them (404); the
list is for judges only (403 for other accounts)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from ..extensions import db
from ..permissions import signed_in_user
from ..web import PageResult
from . import judging, queries, services
from .forms import ConfirmForm, score_form
from .models import Nomination
from .views import bp


@bp.get("/judging")
@login_required
def judging_list() -> str:
    user = signed_in_user()
    if not judging.is_judge(user):
        abort(403)
    page = db.paginate(judging.judged_nominations(user), per_page=25, error_out=False)
    scores = judging.my_scores(user, [nomination.id for nomination in page.items])
    return render_template("awards/judging.html", page=page, scores=scores)


def _judged_or_404(nomination_id: int) -> Nomination:
    nomination = judging.nomination_for_judge(signed_in_user(), nomination_id)
    if nomination is None:
        abort(404)
    return nomination


def _score_page(nomination: Nomination, form: object, status: int = 200) -> PageResult:
    page = render_template(
        "awards/judge_nomination.html",
        nomination=nomination,
        merged=queries.merged_into(nomination),
        form=form,
        confirm=ConfirmForm(),
    )
    return page, status


@bp.route("/judging/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def judge(nomination_id: int) -> PageResult:
    user = signed_in_user()
    nomination = _judged_or_404(nomination_id)
    mine = judging.my_scores(user, [nomination.id]).get(nomination.id)
    data = {"comment": mine.comment} if mine else {}
    if mine:
        data |= {f"criterion_{i}": str(mark) for i, mark in enumerate(mine.marks)}
    form = score_form(nomination.category, data=data)
    if not form.validate_on_submit():
        return _score_page(nomination, form, 422 if form.errors else 200)
    try:
        judging.save_score(nomination, user, form.marks(), form.comment.data or "")
    except services.AwardsRefused as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return _score_page(_judged_or_404(nomination_id), form, 422)
    db.session.commit()
    flash("Your score is saved. You can change it until the category is locked.", "success")
    return redirect(url_for("awards.judging_list"))


@bp.post("/judging/<int:nomination_id>/conflict")
@login_required
def conflict(nomination_id: int) -> PageResult:
    user = signed_in_user()
    nomination = _judged_or_404(nomination_id)
    if not ConfirmForm().validate_on_submit():
        return render_template(
            "awards/problem.html", message="Use the button to declare a conflict."
        ), 422
    try:
        judging.declare_conflict(nomination, user)
    except services.AwardsRefused as refused:
        db.session.rollback()
        return render_template("awards/problem.html", message=str(refused)), 422
    db.session.commit()
    flash("Your conflict of interest is recorded: you will not judge this nomination.", "success")
    return redirect(url_for("awards.judging_list"))
