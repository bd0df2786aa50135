"""Query counts of the awards' busy lists: the staff's nominations of a category and the
judge's list stay flat as nominations, linked volunteers, categories and scores grow."""

from __future__ import annotations

import pytest

from tests.awards_factories import make_award_category, make_cycle, make_judge
from tests.factories import make_staff, make_user
from tests.test_query_counts import assert_flat, measure_twice, sign_in
from volunteer_hub.auth.models import User
from volunteer_hub.awards.models import (
    AwardCategory,
    AwardCycle,
    Nomination,
    NominationEvent,
    Score,
)
from volunteer_hub.extensions import db


def add_nominations(category_id, count, status, judge_id=None):
    """`count` nominations, each linked to a volunteer of its own (and scored by the judge)."""
    category = db.session.get(AwardCategory, category_id)
    for number in range(count):
        volunteer = make_user(name=f"Linked {category_id}-{number}", profile=False)
        nomination = Nomination(
            category=category,
            status=status,
            nominee_name=f"Nominee {number}",
            nominee_user_id=volunteer.id,
            nominator_name="Someone",
            nominator_email=f"n{number}@example.org",
            statement="Always there.",
        )
        db.session.add(nomination)
        db.session.flush()
        db.session.add(
            NominationEvent(nomination_id=nomination.id, action="nominated", status=status)
        )
        if judge_id is not None:
            db.session.add(
                Score(nomination_id=nomination.id, judge_id=judge_id, marks=[3, 4], total=7)
            )
    db.session.commit()


@pytest.fixture
def cycle(app):
    return make_cycle(2026)


def test_the_staff_nominations_list_does_not_grow(client, cycle):
    category_id = make_award_category(cycle, "Volunteer of the year").id
    sign_in(client, make_staff())
    urls = [
        f"/staff/awards/categories/{category_id}",
        f"/staff/awards/categories/{category_id}?page=2",
    ]
    counts, statements = measure_twice(
        client, urls, lambda: add_nominations(category_id, 30, "submitted")
    )
    # The signed-in user, the category, its cycle, the page, its count, the linked accounts.
    assert_flat(counts, ceiling=6, statements=statements)


def test_the_judges_list_does_not_grow(client, cycle):
    judge = make_user(name="Jo Judge")
    judge_id, cycle_id = judge.id, cycle.id

    def more() -> None:
        category = make_award_category(db.session.get(AwardCycle, cycle_id))
        make_judge(category, db.session.get(User, judge_id))
        add_nominations(category.id, 30, "shortlisted", judge_id)

    sign_in(client, judge)
    counts, statements = measure_twice(client, ["/judging", "/judging?page=2"], more)
    # The signed-in user, whether they judge, the page with categories and cycles, its
    # count, their own scores.
    assert_flat(counts, ceiling=5, statements=statements)
