"""Hours, in Chromium: a volunteer logs hours; the coordinator queries them; the volunteer
corrects them and sends them again; the coordinator approves them; the volunteer's total and
milestone progress move on (the approval crosses the 50-hour milestone). Every page visited
is checked with axe-core at 1280 px and at 320 px (`check_page`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import check_page, expect_flash
from tests.browser.test_roles_journey import new_page, sign_in, titled
from tests.factories import (
    PASSWORD,
    make_hours,
    make_organisation,
    make_placement,
    make_role,
    make_user,
)
from volunteer_hub.clock import local_today

pytestmark = pytest.mark.browser
__all__ = ["new_page"]  # the fixture, used by name

ROLE = "Library helper"
VOLUNTEER_EMAIL = "tomasz@example.org"
COORDINATOR_EMAIL = "cora@library.example"
QUESTION = "Was it 2 hours? The session ended at four."


@pytest.fixture
def volunteer_with_hours(db) -> str:
    """Tomasz has a place on the library's role and 48.5 verified hours; returns the
    organisation's slug."""
    coordinator = make_user(name="Cora Coordinator", email=COORDINATOR_EMAIL)
    organisation = make_organisation(name="Reddish Community Library", manager=coordinator)
    volunteer = make_user(name="Tomasz Nowak", email=VOLUNTEER_EMAIL)
    placement = make_placement(make_role(organisation, title=ROLE), volunteer)
    for days_ago, quarters in ((20, 96), (13, 96), (6, 2)):
        make_hours(placement, local_today() - timedelta(days=days_ago), quarters, status="approved")
    return organisation.slug


def volunteer_logs_hours(page: Page) -> None:
    page.goto("/login")
    sign_in(page, VOLUNTEER_EMAIL, PASSWORD)
    page.goto("/me/hours")
    titled(page, "Your hours")
    expect(page.get_by_text("1.5 hours to go to 50 hours")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Log hours").click()
    titled(page, "Log hours")
    check_page(page)
    page.get_by_label("Date").fill((local_today() - timedelta(days=1)).isoformat())
    page.get_by_label("Hours", exact=True).fill("2.25")
    page.get_by_label("Note (optional)").fill("Story time and shelving")
    page.get_by_role("button", name="Log hours").click()
    expect_flash(page, "your hours are logged")
    titled(page, "Your hours")
    expect(page.get_by_role("row").filter(has_text="2.25 hours")).to_contain_text(
        "Waiting to be verified"
    )
    check_page(page)


def coordinator_opens_the_hours(page: Page, slug: str, hours: str) -> None:
    page.goto(f"/org/{slug}/hours")
    titled(page, "Hours: Reddish Community Library")
    check_page(page)
    page.get_by_role("link", name="Tomasz Nowak").click()
    titled(page, "Hours on")
    expect(page.get_by_text(hours, exact=True)).to_be_visible()
    check_page(page)


def volunteer_corrects_the_hours(page: Page) -> None:
    page.goto("/me/hours")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    page.get_by_role("link", name="Correct and send again").click()
    titled(page, "Correct your hours")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    check_page(page)
    page.get_by_label("Hours", exact=True).fill("2")
    page.get_by_role("button", name="Send for verification again").click()
    expect_flash(page, "sent to be verified again")
    check_page(page)


def test_log_query_correct_approve_and_reach_a_milestone(new_page, volunteer_with_hours):
    slug = volunteer_with_hours
    volunteer, coordinator = new_page(), new_page()
    volunteer_logs_hours(volunteer)

    coordinator.goto("/login")
    sign_in(coordinator, COORDINATOR_EMAIL, PASSWORD)
    coordinator_opens_the_hours(coordinator, slug, "2.25 hours")
    coordinator.get_by_label("Message for the volunteer").fill(QUESTION)
    coordinator.get_by_role("button", name="Query").click()
    expect_flash(coordinator, "Your query has been emailed to the volunteer")
    check_page(coordinator)

    volunteer_corrects_the_hours(volunteer)

    coordinator_opens_the_hours(coordinator, slug, "2 hours")
    coordinator.get_by_role("button", name="Approve").click()
    expect_flash(coordinator, "The hours are verified")
    check_page(coordinator)

    volunteer.goto("/me/hours")
    expect(volunteer.get_by_text("50.5 hours verified in all")).to_be_visible()
    expect(volunteer.get_by_text("Milestones reached: 50 hours")).to_be_visible()
    expect(volunteer.get_by_text("49.5 hours to go to 100 hours")).to_be_visible()
    expect(volunteer.get_by_role("row").filter(has_text="2 hours").first).to_contain_text(
        "Verified"
    )
    check_page(volunteer)
