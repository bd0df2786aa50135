"""A role's whole life, in Chromium, with three people each in a browser of their own.

A newcomer registers an organisation and an account; staff approve it; the coordinator
creates a role and submits it; staff ask for changes with a comment; the coordinator fixes it;
staff publish it; a member of the public finds it by keyword and by filters and opens it.

Every page visited, in every browser, and the forms shown with their errors, is checked with
axe-core at 1280 px and at 320 px wide (`check_page`), and must not scroll sideways.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.test_journeys import check_page, expect_errors, expect_flash, verification_path
from tests.factories import PASSWORD as STAFF_PASSWORD
from tests.factories import make_category, make_locality, make_role, make_staff
from volunteer_hub.clock import local_today
from volunteer_hub.reference.services import seed_concepts

pytestmark = pytest.mark.browser

ORGANISATION = "Friends of Edgeley Park"
FOUNDER_EMAIL = "ruth@edgeley-park.example"
FOUNDER_PASSWORD = "lantern meadow pebble"
STAFF_EMAIL = "hana.staff@hub.example"
ROLE = "Orchard helper"
OTHER_ROLE = "Library reading buddy"
COMMENT = "Please say what volunteers should wear and bring."
REGISTER_ERRORS = (
    "Enter the organisation's name",
    "Select the kind of organisation",
    "Describe what the organisation does",
    "Enter a contact email address",
    "Select yes if the organisation has a written safeguarding policy",
    "Select yes if the organisation holds public liability insurance",
    "Enter your name",
    "Enter your email address",
    "Enter a password",
    "You must agree to the privacy notice to register",
)
ROLE_ERRORS = (
    "Enter a title",
    "Enter a summary",
    "Enter a description",
    "Choose a category",
    "Enter the address where volunteers will go",
    "Enter the postcode where volunteers will go",
    "Enter the time needed",
)


# Fixtures and small helpers -----------------------------------------------------------------


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[[], Page]]:
    """Opens a page in a browser context of its own (another person, another computer), made
    as the `page` fixture makes its own; every context is closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(live_server) else route.abort()
            ),
        )
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def reference_data(db) -> None:
    """The lists the forms offer, the taxonomy concepts, and another organisation's published
    role, which the keyword and the filters must leave out."""
    make_category("Parks and green spaces")
    libraries = make_category("Libraries and reading")
    make_locality("Edgeley")
    heaton_moor = make_locality("Heaton Moor")
    seed_concepts()
    db.session.commit()
    make_role(
        title=OTHER_ROLE,
        category=libraries,
        locality=heaton_moor,
        periods=("saturday-morning",),
        summary="Listen to children read at Heaton Moor library.",
    )


def titled(page: Page, start: str) -> None:
    """The page's title starts with `start`."""
    expect(page).to_have_title(re.compile("^" + re.escape(start)))


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in on the sign-in page shown, which is checked first."""
    titled(page, "Sign in")
    check_page(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    titled(page, "Your account")
    check_page(page)


def group(page: Page, legend: str) -> Locator:
    """The fieldset whose legend is `legend`: for radios labelled alike, such as Yes and No."""
    return page.get_by_role("group", name=legend)


def open_manage_page(page: Page, status: str) -> None:
    """The role's management page, reloaded to show what the other person did."""
    page.reload()
    titled(page, ROLE)
    expect(page.get_by_role("heading", name=f"Status: {status}")).to_be_visible()
    check_page(page)


def results(page: Page, count: str) -> None:
    """The search results say `count`, list the role, and leave the other one out."""
    expect(page.get_by_role("heading", name=count)).to_be_visible()
    expect(page.get_by_role("link", name=ROLE)).to_be_visible()
    expect(page.get_by_role("link", name=OTHER_ROLE)).to_have_count(0)


# Each person's steps ------------------------------------------------------------------------


def newcomer_registers(page: Page) -> None:
    """The register form, sent empty once, then filled in: the organisation and an account."""
    page.goto("/organisations/register")
    titled(page, "Register your organisation")
    check_page(page)
    page.get_by_role("button", name="Register organisation").click()
    expect_errors(page, *REGISTER_ERRORS)
    check_page(page)

    page.get_by_label("Name of the organisation").fill(ORGANISATION)
    group(page, "What kind of organisation is it?").get_by_label("Community group").check()
    page.get_by_label("What the organisation does").fill(
        "We look after Edgeley Park, its orchard and its wildlife, with local volunteers."
    )
    page.get_by_label("Area the organisation works in (optional)").select_option(label="Edgeley")
    page.get_by_label("Public contact email address").fill("hello@edgeley-park.example")
    group(page, "Does the organisation have a written safeguarding policy?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Name of the safeguarding lead").fill("Pat Lead")
    group(page, "Does the organisation hold public liability insurance?").get_by_label(
        "Yes"
    ).check()
    expiry = local_today() + timedelta(days=365)
    page.get_by_label("Date the insurance expires").fill(expiry.isoformat())
    page.get_by_label("Your full name").fill("Ruth Okafor")
    page.get_by_label("Your email address").fill(FOUNDER_EMAIL)
    page.get_by_label("Create a password").fill(FOUNDER_PASSWORD)
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Register organisation").click()

    titled(page, "Check your email")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    check_page(page)


def newcomer_confirms_and_signs_in(page: Page) -> None:
    """Open the link in the email, sign in, and find the organisation waiting for review."""
    page.goto(verification_path(FOUNDER_EMAIL))
    expect_flash(page, "your email address is confirmed")
    sign_in(page, FOUNDER_EMAIL, FOUNDER_PASSWORD)

    page.get_by_role("link", name=ORGANISATION).click()
    titled(page, ORGANISATION)
    expect(page.get_by_role("note")).to_contain_text("Status: Waiting for review")
    expect(page.get_by_role("link", name="Add a role")).to_have_count(0)
    check_page(page)


def staff_approve(staff: Page) -> None:
    """Staff sign in, find the organisation in the queue and approve it, first deciding
    nothing to see the error."""
    staff.goto("/login")
    sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto("/staff/organisations")
    titled(staff, "Organisations to review")
    check_page(staff)

    staff.get_by_role("link", name=ORGANISATION).click()
    titled(staff, f"Review {ORGANISATION}")
    check_page(staff)
    staff.get_by_role("button", name="Record the decision").click()
    expect_errors(staff, "Select a decision")
    check_page(staff)
    staff.get_by_label("Approve: show it in the directory").check()
    staff.get_by_role("button", name="Record the decision").click()

    expect_flash(staff, f"{ORGANISATION} is now approved")
    check_page(staff)


def coordinator_adds_and_submits_role(page: Page) -> None:
    """The organisation, approved now, takes roles: the form, sent empty once, then a draft
    saved and sent for review."""
    page.reload()
    expect(page.get_by_role("note")).to_contain_text("Status: Approved")
    check_page(page)
    page.get_by_role("link", name="Add a role").click()

    titled(page, "Add a role")
    check_page(page)
    page.get_by_role("button", name="Save draft").click()
    expect_errors(page, *ROLE_ERRORS)
    check_page(page)

    page.get_by_label("Title").fill(ROLE)
    page.get_by_label("Summary").fill(
        "Prune, mulch and pick fruit in the park's community orchard."
    )
    page.get_by_label("Description").fill(
        "You will help our orchard team **prune**, mulch and harvest the apple trees."
    )
    page.get_by_label("Category").select_option(label="Parks and green spaces")
    group(page, "Where volunteers take part").get_by_label("In person", exact=True).check()
    page.get_by_label("Area (optional)").select_option(label="Edgeley")
    page.get_by_label("Address", exact=True).fill("Edgeley Park\nCale Green")
    page.get_by_label("Postcode").fill("sk3 9hq")
    group(page, "How often").get_by_label("Regular", exact=True).check()
    page.get_by_label("Time needed, in a few words").fill("3 hours a week")
    page.get_by_label("Monday morning", exact=True).check()
    page.get_by_label("Number of volunteers needed").fill("4")
    page.get_by_role("button", name="Save draft").click()

    titled(page, ROLE)
    expect_flash(page, "Your draft has been saved.")
    expect(page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="SK3 9HQ")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Send for review").click()

    expect_flash(page, "The role has been sent to the hub for review.")
    expect(page.get_by_role("heading", name="Status: Waiting for review")).to_be_visible()
    check_page(page)


def staff_ask_for_changes(staff: Page) -> None:
    """Staff open the role from the queue and ask for changes, first without a comment."""
    staff.goto("/staff/roles")
    titled(staff, "Roles")
    check_page(staff)
    staff.get_by_role("link", name=ROLE).click()

    titled(staff, ROLE)
    check_page(staff)
    staff.get_by_role("button", name="Ask for changes").click()
    expect_errors(staff, "Write a comment for the organisation: they will see it.")
    check_page(staff)
    staff.get_by_label("Comment for the organisation").fill(COMMENT)
    staff.get_by_role("button", name="Ask for changes").click()

    expect_flash(staff, "Changes requested.")
    expect(staff.get_by_role("heading", name="Status: Changes requested")).to_be_visible()
    check_page(staff)


def coordinator_fixes_and_resubmits(page: Page) -> None:
    """The coordinator reads the comment, edits the role and sends it for review again."""
    open_manage_page(page, "Changes requested")
    expect(page.get_by_role("heading", name="Comment from the hub")).to_be_visible()
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    page.get_by_role("link", name="Change the role's details").click()

    titled(page, f"Change {ROLE}")
    check_page(page)
    page.get_by_label("Description").fill(
        "You will help our orchard team **prune**, mulch and harvest the apple trees.\n\n"
        "Wear sturdy boots and clothes that can get muddy; we lend gloves and tools."
    )
    page.get_by_role("button", name="Save changes").click()

    titled(page, ROLE)
    expect_flash(page, "Your changes have been saved.")
    expect(page.get_by_text("Wear sturdy boots").first).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Send for review").click()

    expect_flash(page, "The role has been sent to the hub for review.")
    expect(page.get_by_role("heading", name="Status: Waiting for review")).to_be_visible()
    check_page(page)


def staff_publish(staff: Page) -> None:
    """Staff see the role back with them, and publish it."""
    open_manage_page(staff, "Waiting for review")
    staff.get_by_role("button", name="Publish").click()

    expect_flash(staff, "The role is published.")
    expect(staff.get_by_role("heading", name="Status: Published")).to_be_visible()
    check_page(staff)


def public_finds_and_opens_role(public: Page) -> None:
    """Someone not signed in searches by keyword, then by filters, and opens the role."""
    public.goto("/roles")
    titled(public, "Find a volunteering role")
    expect(public.get_by_role("heading", name="2 roles")).to_be_visible()
    check_page(public)

    public.get_by_label("Keywords").fill("orchard")
    public.get_by_role("button", name="Search", exact=True).click()
    results(public, "1 role found")
    expect(public.get_by_label("Keywords")).to_have_value("orchard")
    check_page(public)

    public.get_by_role("link", name="Clear all filters").click()
    expect(public.get_by_role("heading", name="2 roles")).to_be_visible()
    expect(public.get_by_label("Keywords")).to_have_value("")
    public.get_by_label("Parks and green spaces").check()
    public.get_by_label("Edgeley", exact=True).check()
    public.get_by_text("Times of the week").click()
    public.get_by_label("Monday morning", exact=True).check()
    public.get_by_role("button", name="Apply filters").click()
    results(public, "1 role found")
    expect(public.get_by_label("Monday morning", exact=True)).to_be_checked()
    check_page(public)

    public.get_by_role("link", name=ROLE).click()
    titled(public, f"{ROLE}, {ORGANISATION}")
    expect(public.get_by_role("heading", level=1)).to_have_text(ROLE)
    expect(public.get_by_role("heading", name=ORGANISATION)).to_be_visible()
    expect(public.get_by_text("Wear sturdy boots")).to_be_visible()
    expect(public.get_by_role("link", name="Sign in to apply")).to_be_visible()
    check_page(public)


# The journey --------------------------------------------------------------------------------


def test_register_approve_write_review_publish_and_find_a_role(
    page: Page, new_page: Callable[[], Page], reference_data
):
    """From a newcomer's registration to a published role the public finds: the newcomer in
    `page`, staff and the public each in a browser context of their own."""
    newcomer_registers(page)
    newcomer_confirms_and_signs_in(page)

    make_staff(name="Hana Staff", email=STAFF_EMAIL)
    staff = new_page()
    staff_approve(staff)

    coordinator_adds_and_submits_role(page)
    staff_ask_for_changes(staff)
    coordinator_fixes_and_resubmits(page)
    staff_publish(staff)

    public_finds_and_opens_role(new_page())
