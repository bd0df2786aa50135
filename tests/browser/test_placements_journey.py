"""Applying for a role and being approved, in Chromium, with two people each in a browser of
their own.

A volunteer with no date of birth finds a role with a minimum age, is told why they cannot
apply yet, adds their date of birth and applies; the coordinator reads the application, tries
to decline without a message (and is told to write one), then approves it; the volunteer sees
the approval on their application's timeline. Every page visited, and the error state, is
checked with axe-core at 1280 px and at 320 px (`check_page`).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import check_page, expect_errors, expect_flash
from tests.browser.test_roles_journey import new_page, sign_in, titled
from tests.factories import PASSWORD, make_organisation, make_role, make_staff, make_user
from volunteer_hub.clock import local_today

pytestmark = pytest.mark.browser
__all__ = ["new_page"]  # the fixture, used by name

ROLE = "Reading buddy"
VOLUNTEER_EMAIL = "tomasz@example.org"
COORDINATOR_EMAIL = "cora@library.example"
STAFF_EMAIL = "sam.staff@hub.example"


@pytest.fixture
def role_with_minimum_age(db) -> str:
    coordinator = make_user(name="Cora Coordinator", email=COORDINATOR_EMAIL)
    organisation = make_organisation(name="Reddish Community Library", manager=coordinator)
    make_user(name="Tomasz Nowak", email=VOLUNTEER_EMAIL)  # no date of birth
    make_staff(name="Sam Staff", email=STAFF_EMAIL)
    role = make_role(organisation, title=ROLE, minimum_age=18, places=3)
    return role.slug


def volunteer_applies(page: Page, slug: str) -> None:
    page.goto("/login")
    sign_in(page, VOLUNTEER_EMAIL, PASSWORD)
    page.goto(f"/roles/{slug}")
    titled(page, ROLE)
    page.get_by_role("link", name="Apply for this role").click()
    titled(page, f"Apply: {ROLE}")
    expect(page.get_by_text("We do not know your age yet")).to_be_visible()
    expect(page.get_by_role("button", name="Send my application")).to_have_count(0)
    check_page(page)

    page.get_by_role("link", name="Add your date of birth to your profile").click()
    titled(page, "Your volunteer profile")
    page.get_by_label("Date of birth (optional)").fill(date(1990, 5, 17).isoformat())
    page.get_by_role("button", name="Save profile").click()
    check_page(page)

    page.goto(f"/roles/{slug}/apply")
    expect(page.get_by_text("You meet the minimum age.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Send my application").click()
    expect_errors(page, "Answer: Are you free after school?")
    check_page(page)
    page.get_by_label("Are you free after school?").fill("Yes, from 3:30.")
    page.get_by_label("Why you would like to help (optional)").fill("I read to my nephews.")
    page.get_by_role("button", name="Send my application").click()
    expect_flash(page, "your application has been sent")
    titled(page, f"Your application: {ROLE}")
    expect(page.get_by_text("I read to my nephews.")).to_be_visible()
    check_page(page)


def coordinator_asks_a_question(page: Page, slug: str) -> None:
    page.goto("/login")
    sign_in(page, COORDINATOR_EMAIL, PASSWORD)
    page.goto(f"/roles/{slug}/manage")
    page.get_by_role("link", name="Questions for applicants").click()
    titled(page, f"Questions for applicants: {ROLE}")
    check_page(page)
    page.get_by_label("Question 1").fill("Are you free after school?")
    page.get_by_role("button", name="Save the questions").click()
    expect_flash(page, "The questions are saved")


def coordinator_approves(page: Page, slug: str) -> None:
    page.goto(f"/roles/{slug}/applicants")
    titled(page, f"Applicants: {ROLE}")
    check_page(page)
    page.get_by_role("link", name="Tomasz Nowak").click()
    titled(page, f"Application: {ROLE}")
    expect(page.get_by_text("Yes, from 3:30.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Decline").click()
    expect_errors(page, "Write a message for the volunteer: they will see it.")
    check_page(page)
    page.get_by_role("button", name="Approve").click()
    expect_flash(page, "Approved. The volunteer has been emailed.")
    expect(page.get_by_text("2 of 3 free")).to_be_visible()
    check_page(page)


def staff_see_the_application_waiting(page: Page) -> None:
    page.goto("/login")
    sign_in(page, STAFF_EMAIL, PASSWORD)
    page.goto("/staff/")
    titled(page, "Staff overview")
    expect(page.get_by_role("link", name=ROLE)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Applications", exact=True).click()
    titled(page, "Applications")
    expect(page.get_by_role("link", name="Tomasz Nowak")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Approve the chosen applications").click()
    expect_errors(page, "Choose the applications to approve")
    check_page(page)


def coordinator_adds_shifts(page: Page, slug: str) -> None:
    page.goto(f"/roles/{slug}/manage")
    page.get_by_role("link", name="Shifts", exact=True).click()
    titled(page, f"Shifts: {ROLE}")
    check_page(page)
    page.get_by_role("button", name="Add shifts").click()
    expect_errors(page, "Enter the date of the first shift")
    check_page(page)
    first = local_today() + timedelta(days=7)
    page.get_by_label("Date of the first shift").fill(first.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("13:00")
    page.get_by_label("Places").fill("4")
    page.get_by_label("Repeat every week for (weeks)").fill("2")
    page.get_by_role("button", name="Add shifts").click()
    expect_flash(page, "2 shifts added.")
    check_page(page)


def volunteer_books_a_shift(page: Page) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Shifts")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Book this shift").first.click()
    expect_flash(page, "Your shift is booked")
    expect(page.get_by_text("Approved", exact=True).first).to_be_visible()
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to your calendar").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]).startswith(ROLE)
    page.get_by_role("link", name="Put all your shifts in your calendar app").click()
    titled(page, "Your calendar")
    check_page(page)


def test_a_volunteer_adds_their_age_applies_and_is_approved(new_page, role_with_minimum_age):
    volunteer, coordinator, staff = new_page(), new_page(), new_page()
    coordinator_asks_a_question(coordinator, role_with_minimum_age)
    volunteer_applies(volunteer, role_with_minimum_age)
    staff_see_the_application_waiting(staff)
    coordinator_approves(coordinator, role_with_minimum_age)
    coordinator_adds_shifts(coordinator, role_with_minimum_age)
    volunteer_books_a_shift(volunteer)
    volunteer.get_by_role("link", name="Your volunteering", exact=True).click()
    titled(volunteer, "Your volunteering")
    expect(volunteer.get_by_role("heading", name="Your coming shifts")).to_be_visible()
    expect(volunteer.get_by_text("Approved since")).to_be_visible()
    check_page(volunteer)
