"""The awards pages in Chromium, checked with axe-core at 1280 px and 320 px: the public
pages and the nomination form (also with its errors), the staff's pages and the judge's.
The whole journey (nominate, confirm, merge, judge, lock, publish) is tested elsewhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.awards_factories import make_award_category, make_cycle, make_judge, make_nomination
from tests.browser.test_journeys import check_page
from tests.browser.test_roles_journey import new_page, sign_in
from tests.factories import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.browser
__all__ = ["new_page"]  # the fixture, used by name


@pytest.fixture
def awards(db) -> dict[str, int]:
    cycle = make_cycle(2026)
    category = make_award_category(cycle, "Volunteer of the year")
    make_award_category(cycle, "Young volunteer of the year", eligibility="young")
    shortlisted = make_nomination(category, status="shortlisted", nominee_name="Ada Lovelace")
    submitted = make_nomination(category, nominee_name="Bo Bright")
    make_staff(name="Sam Staff", email="sam@example.org")
    make_judge(category, make_user(name="Jo Judge", email="jo@example.org"))
    return {"category": category.id, "shortlisted": shortlisted.id, "submitted": submitted.id}


def visit(page: Page, *paths: str) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        check_page(page)


def test_the_awards_pages_have_no_axe_violations(new_page, awards):
    public = new_page()
    visit(public, "/awards", "/awards/2026", "/awards/2026/nominate")
    public.get_by_role("button", name="Send nomination").click()
    check_page(public)
    visit(public, "/awards/2026/nominate/thank-you")

    staff = new_page()
    staff.goto("/login")
    sign_in(staff, "sam@example.org", PASSWORD)
    category, nomination = awards["category"], awards["submitted"]
    visit(
        staff,
        "/staff/awards",
        "/staff/awards/2026",
        "/staff/awards/new",
        "/staff/awards/2026/edit",
        "/staff/awards/2026/categories/new",
        f"/staff/awards/categories/{category}/edit",
        f"/staff/awards/categories/{category}",
        f"/staff/awards/nominations/{nomination}?q=jo",
        f"/staff/awards/nominations/{awards['shortlisted']}",
        f"/staff/awards/categories/{category}/results",
    )

    judge = new_page()
    judge.goto("/login")
    sign_in(judge, "jo@example.org", PASSWORD)
    visit(judge, "/judging", f"/judging/{awards['shortlisted']}")
    judge.get_by_role("button", name="Save score").click()
    check_page(judge)
