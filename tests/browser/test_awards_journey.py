"""The awards, in Chromium, from nomination to certificate: a member of the public nominates a
volunteer and confirms by the emailed link; staff merge it into an earlier nomination of the
same person, link her account and shortlist her; of three judges, two score her and the
third declares a conflict; staff record the winner, lock the category and publish the
results; the winner downloads her certificate, and the address its QR code holds confirms it.
Every page visited is checked with axe-core at 1280 px and at 320 px (`check_page`)."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pyzbar import pyzbar

from tests.awards_factories import make_award_category, make_cycle, make_judge, make_nomination
from tests.browser.test_journeys import check_page
from tests.browser.test_roles_journey import group, new_page, sign_in, titled
from tests.factories import PASSWORD, make_staff, make_user
from tests.helpers import link_in, outbox
from tests.pdfs import page_images, page_text
from volunteer_hub.extensions import db

pytestmark = pytest.mark.browser
__all__ = ["new_page"]  # the fixture, used by name

CATEGORY = "Volunteer of the year"
WINNER, WINNER_EMAIL = "Wendy Winslow", "wendy@example.org"
NOMINATOR_EMAIL = "pat.public@example.org"


@pytest.fixture
def awards_open(db) -> int:
    """This year's cycle open for nominations, an earlier nomination of Wendy waiting for
    review, staff, and two judges of the category; returns the category's id."""
    cycle = make_cycle(2026)
    category = make_award_category(cycle, CATEGORY, criteria=["Impact", "Commitment"])
    make_nomination(category, nominee_name=WINNER, statement="Wendy runs the Saturday club.")
    make_user(name=WINNER, email=WINNER_EMAIL)
    make_staff(name="Sam Staff", email="sam@example.org")
    make_judge(category, make_user(name="Jo Judge", email="jo@example.org"))
    make_judge(category, make_user(name="Kim Knowsher", email="kim@example.org"))
    make_judge(category, make_user(name="Lee Lister", email="lee@example.org"))
    return category.id


def signed_in(new_page, email: str) -> Page:
    page = new_page()
    page.goto("/login")
    sign_in(page, email, PASSWORD)
    return page


def public_nominates(page: Page) -> None:
    page.goto("/awards")
    check_page(page)
    page.goto("/awards/2026/nominate")
    titled(page, "Nominate")
    check_page(page)
    page.get_by_label("Award category").select_option(label=CATEGORY)
    page.get_by_label("Name of the person or group you are nominating").fill(WINNER)
    page.get_by_label("Your name").fill("Pat Public")
    page.get_by_label("Your email address").fill(NOMINATOR_EMAIL)
    page.get_by_label("How do you know them?").fill("She taught my son to read")
    page.get_by_label("Why do they deserve this award?").fill(
        "Wendy has run the homework club every week for six years, and never missed one."
    )
    page.get_by_role("button", name="Send nomination").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page)
    (message,) = outbox(NOMINATOR_EMAIL)
    db.session.rollback()  # end the read: the server writes next
    page.goto(link_in(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nomination confirmed")
    check_page(page)


def staff_merge_link_and_shortlist(page: Page, category_id: int) -> None:
    page.goto(f"/staff/awards/categories/{category_id}")
    check_page(page)
    page.get_by_role("link", name=WINNER).last.click()  # the newest: the public's
    titled(page, f"Nomination: {WINNER}")
    check_page(page)
    page.get_by_label("Merge this nomination into").select_option(index=1)
    page.get_by_role("button", name="Merge").click()
    check_page(page)
    page.goto(f"/staff/awards/categories/{category_id}")
    check_page(page)
    page.get_by_role("link", name=WINNER).first.click()
    expect(page.locator("main")).to_contain_text("homework club")  # the merged statement
    page.get_by_role("search", name="Find a volunteer account").locator("input[name=q]").fill(
        "wendy@"
    )
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name=f"Link {WINNER}").click()
    check_page(page)
    group(page, "Decision").get_by_label("Shortlist").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("main")).to_contain_text("Shortlisted")
    check_page(page)


def judge_scores(new_page, email: str, impact: str, commitment: str) -> None:
    judge = signed_in(new_page, email)
    judge.goto("/judging")
    check_page(judge)
    judge.get_by_role("link", name=WINNER).click()
    check_page(judge)
    group(judge, "Impact").get_by_label(impact).check()
    group(judge, "Commitment").get_by_label(commitment).check()
    judge.get_by_label("Comment").fill("Six years without missing a week.")
    judge.get_by_role("button", name="Save score").click()
    check_page(judge)


def judges_score_and_declare(new_page) -> None:
    """Jo and Lee score Wendy (5 + 4 and 4 + 4); Kim knows her and declares a conflict."""
    judge_scores(new_page, "jo@example.org", "5", "4")
    judge_scores(new_page, "lee@example.org", "4", "4")
    kim = signed_in(new_page, "kim@example.org")
    kim.goto("/judging")
    check_page(kim)
    kim.get_by_role("link", name=WINNER).click()
    check_page(kim)
    kim.get_by_role("button", name="Declare a conflict of interest").click()
    check_page(kim)
    kim.goto("/judging")
    expect(kim.get_by_role("link", name=WINNER)).to_have_count(0)
    check_page(kim)


def staff_decide_lock_and_publish(page: Page, category_id: int) -> None:
    page.goto(f"/staff/awards/categories/{category_id}/results")
    check_page(page)
    expect(page.locator("main")).to_contain_text("17")  # Jo's 9 and Lee's 8
    page.get_by_label(f"Outcome for {WINNER}").select_option(label="Winner")
    page.get_by_role("button", name=f"Save the outcome for {WINNER}").click()
    check_page(page)
    page.get_by_role("button", name=f"Lock {CATEGORY}").click()
    check_page(page)
    page.goto("/staff/awards/2026")
    check_page(page)
    page.get_by_role("button", name="Publish the results").click()
    check_page(page)
    page.goto("/awards/2026")
    expect(page.locator("main")).to_contain_text(WINNER)
    check_page(page)
    page.goto("/staff/awards/2026/ceremony")
    check_page(page)
    page.get_by_role("button", name="Make the ceremony pack").click()
    titled(page, "Ceremony pack")
    check_page(page)
    for thread in threading.enumerate():  # the live server's: let it finish before teardown
        if thread.name.startswith("ceremony-pack-"):
            thread.join(timeout=60)
    page.reload()
    expect(page.get_by_role("link", name="Download the ceremony pack (PDF)")).to_be_visible()
    check_page(page)


def winner_downloads_and_checks(new_page) -> None:
    wendy = signed_in(new_page, WINNER_EMAIL)
    wendy.goto("/me/certificates")
    check_page(wendy)
    with wendy.expect_download() as info:
        wendy.get_by_role("link", name=f"Download {CATEGORY} 2026: Winner").click()
    pdf = Path(info.value.path()).read_bytes()
    assert WINNER in page_text(pdf)[0]
    (qr,) = [image for image in page_images(pdf) if image.startswith(b"\x89PNG")]
    address = pyzbar.decode(Image.open(io.BytesIO(qr)))[0].data.decode()
    public = new_page()
    public.goto(urlsplit(address).path)
    expect(public.get_by_role("heading", level=1)).to_have_text("This certificate is genuine")
    expect(public.locator("main")).to_contain_text(f"{CATEGORY} 2026: Winner")
    check_page(public)


def test_nominate_confirm_merge_judge_lock_publish_and_verify(new_page, awards_open):
    public_nominates(new_page())
    staff = signed_in(new_page, "sam@example.org")
    staff_merge_link_and_shortlist(staff, awards_open)
    judges_score_and_declare(new_page)
    staff_decide_lock_and_publish(staff, awards_open)
    winner_downloads_and_checks(new_page)
