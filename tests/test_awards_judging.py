"""Judging: a judge sees only their categories' shortlisted nominations, never another
judge's scores, and never a nomination they declared a conflict on; scores change until the
category is locked; staff see totals, means, counts and ties, never the marks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.awards_factories import make_award_category, make_cycle, make_judge, make_nomination
from tests.factories import make_staff, make_user
from volunteer_hub.awards import judging
from volunteer_hub.awards.models import ConflictDeclaration, Score
from volunteer_hub.extensions import db


@pytest.fixture
def panel(app):
    """A category with two shortlisted nominations, one still in review, and two judges."""
    category = make_award_category(
        make_cycle(2026), "Volunteer of the year", criteria=["Impact", "Commitment"]
    )
    first = make_nomination(category, status="shortlisted", nominee_name="Ada Shortlisted")
    second = make_nomination(category, status="shortlisted", nominee_name="Bo Shortlisted")
    waiting = make_nomination(category, nominee_name="Cy Waiting")
    judge, other_judge = make_user(name="Jo Judge"), make_user(name="Kit Judge")
    make_judge(category, judge)
    make_judge(category, other_judge)
    return category, first, second, waiting, judge, other_judge


def score(client, nomination, marks, comment=""):
    data = {f"criterion_{i}": str(mark) for i, mark in enumerate(marks)} | {"comment": comment}
    return client.post(f"/judging/{nomination.id}", data=data)


def test_a_judge_sees_only_their_shortlisted_nominations(client, login_as, panel):
    category, first, second, waiting, judge, _ = panel
    elsewhere = make_award_category(category.cycle, "Trustee of the year")
    unjudged = make_nomination(elsewhere, status="shortlisted", nominee_name="Di Elsewhere")
    login_as(judge)
    page = client.get("/judging").text
    assert "Ada Shortlisted" in page and "Bo Shortlisted" in page
    assert "Cy Waiting" not in page and "Di Elsewhere" not in page
    assert client.get(f"/judging/{waiting.id}").status_code == 404
    assert client.get(f"/judging/{unjudged.id}").status_code == 404
    assert "nominator" not in client.get(f"/judging/{first.id}").text.lower()


def test_an_account_that_judges_nothing_gets_403(client, login_as, panel):
    login_as(make_user())
    assert client.get("/judging").status_code == 403


def test_a_judge_never_sees_another_judges_scores(client, login_as, panel):
    _, first, _, _, judge, other_judge = panel
    login_as(other_judge)
    assert score(client, first, [5, 4], "Kit's secret comment").status_code == 302
    login_as(judge)
    for url in ("/judging", f"/judging/{first.id}"):
        page = client.get(url).text
        assert "Kit's secret comment" not in page
        assert "Not scored yet" in page or 'value="5" checked' not in page
    assert score(client, first, [2, 3], "Mine").status_code == 302
    page = client.get(f"/judging/{first.id}").text
    assert 'value="2" checked' in page and "Kit&#39;s secret comment" not in page
    assert judging.my_scores(judge, [first.id])[first.id].total == 5


def test_a_judge_changes_their_score_until_the_category_is_locked(client, login_as, panel):
    category, first, _, _, judge, _ = panel
    login_as(judge)
    score(client, first, [1, 1])
    score(client, first, [4, 5])
    assert db.session.scalar(select(Score.marks).where(Score.judge_id == judge.id)) == [4, 5]
    assert score(client, first, [9, 1]).status_code == 422
    login_as(make_staff())
    client.post(f"/staff/awards/categories/{category.id}/lock", data={"confirm": "yes"})
    login_as(judge)
    assert "locked" in client.get(f"/judging/{first.id}").text
    assert score(client, first, [1, 1]).status_code == 422
    assert db.session.scalar(select(Score.marks).where(Score.judge_id == judge.id)) == [4, 5]


def test_a_conflict_excludes_the_judge_from_the_nomination(client, login_as, panel):
    _, first, second, _, judge, _ = panel
    login_as(judge)
    score(client, first, [3, 3])
    assert client.post(f"/judging/{first.id}/conflict", data={"confirm": "yes"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ConflictDeclaration)) == 1
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0  # withdrawn
    assert "Ada Shortlisted" not in client.get("/judging").text
    assert "Bo Shortlisted" in client.get("/judging").text
    assert client.get(f"/judging/{first.id}").status_code == 404
    assert score(client, first, [5, 5]).status_code == 404
    assert client.post(f"/judging/{first.id}/conflict", data={"confirm": "yes"}).status_code == 404


def test_staff_see_totals_means_counts_and_ties_but_not_the_marks(client, login_as, panel):
    category, first, second, _, judge, other_judge = panel
    for who, marks in ((judge, [4, 4]), (other_judge, [2, 2])):
        login_as(who)
        score(client, first, marks, f"comment by {who.name}")
        score(client, second, list(reversed(marks)))
    login_as(make_staff())
    page = client.get(f"/staff/awards/categories/{category.id}/results").text
    assert page.count("Tied") == 2  # both have a mean of 6
    assert "6.00" in page and "<td>12</td>" in page
    assert "comment by" not in page
    tallies = judging.tallies(category)
    assert [(t.total, t.count, t.tied) for t in tallies] == [(12, 2, True), (12, 2, True)]
