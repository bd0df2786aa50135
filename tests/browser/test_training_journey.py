"""Training, in Chromium: a volunteer sees a role needs a course, books its next session; the
person running it takes the register on a 375 px phone; the record appears on the
volunteer's training page with its expiry date, and the role now shows the requirement met.
Every page visited is checked with axe-core at 1280 px and at 320 px (`check_page`).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import check_page, expect_flash
from tests.browser.test_roles_journey import new_page, sign_in, titled
from tests.factories import (
    PASSWORD,
    make_course,
    make_organisation,
    make_role,
    make_session,
    make_user,
)
from volunteer_hub.clock import add_months, to_local
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.training.models import TrainingSession

pytestmark = pytest.mark.browser
__all__ = ["new_page"]  # the fixture, used by name

COURSE = "Safeguarding children"
ROLE = "Reading buddy"
VOLUNTEER_EMAIL = "tomasz@example.org"
RUNNER_EMAIL = "rita@library.example"
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def role_needing_training(db) -> tuple[str, int]:
    runner = make_user(name="Rita Runner", email=RUNNER_EMAIL)
    make_user(name="Tomasz Nowak", email=VOLUNTEER_EMAIL)
    organisation = make_organisation(name="Reddish Community Library")
    course = make_course(title=COURSE, validity_months=36)
    session = make_session(
        course, starts_at=utcnow().replace(microsecond=0) + timedelta(days=3), runners=(runner,)
    )
    role = make_role(organisation, title=ROLE)
    role.required_courses = [course]
    _db.session.commit()
    return role.slug, session.id


def volunteer_books_the_next_session(page: Page, slug: str) -> None:
    page.goto("/login")
    sign_in(page, VOLUNTEER_EMAIL, PASSWORD)
    page.goto(f"/roles/{slug}")
    titled(page, ROLE)
    expect(page.get_by_text("you still need this")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Next sessions").or_(
        page.locator("a[href^='/training/sessions/']")
    ).first.click()
    titled(page, COURSE)
    expect(page.get_by_text("Shown here once you have a place.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Book a place").click()
    expect_flash(page, "Your place is booked")
    expect(page.get_by_text("Stockport Central Library")).to_be_visible()
    check_page(page)


def the_session_begins(session_id: int) -> None:
    """Time passes: the session started ten minutes ago (the live server reads the same
    database), so its register is open."""
    session = _db.session.get(TrainingSession, session_id)
    session.starts_at = utcnow() - timedelta(minutes=10)
    session.ends_at = session.starts_at + timedelta(hours=3)
    _db.session.commit()


def runner_takes_the_register_on_a_phone(page: Page, session_id: int) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    sign_in(page, RUNNER_EMAIL, PASSWORD)
    page.goto(f"/training/sessions/{session_id}")
    page.get_by_role("link", name="Take the register").click()
    titled(page, f"Register: {COURSE}")
    check_page(page)
    attended = page.get_by_role("button", name=re.compile(r"^Attended\W+Tomasz Nowak$"))
    box = attended.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    attended.click()
    expect_flash(page, "Attendance recorded.")
    expect(page.get_by_text("Attended", exact=True)).to_be_visible()
    check_page(page)


def test_book_attend_and_meet_a_roles_training_requirement(new_page, role_needing_training):
    slug, session_id = role_needing_training
    volunteer, runner = new_page(), new_page()
    volunteer_books_the_next_session(volunteer, slug)
    the_session_begins(session_id)
    runner_takes_the_register_on_a_phone(runner, session_id)

    volunteer.goto("/me")
    volunteer.get_by_role("link", name="Your training record").click()
    titled(volunteer, "Your training")
    started = _db.session.get(TrainingSession, session_id).starts_at
    expires = add_months(to_local(started).date(), 36)
    row = volunteer.get_by_role("row").filter(has_text=COURSE)
    expect(row).to_contain_text(f"{expires.day} {expires:%B %Y}")
    check_page(volunteer)

    volunteer.goto(f"/roles/{slug}")
    expect(volunteer.get_by_text("you meet this requirement")).to_be_visible()
    check_page(volunteer)
