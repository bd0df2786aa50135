"""A new volunteer's first visit, in Chromium: sign up, confirm the email address from the
outbox, sign in, fill in the profile and sign out; once with the mouse and once with the
keyboard alone.

Every page visited, each form also shown with its errors, is checked with axe-core (WCAG 2.0,
2.1 and 2.2, A and AA) at 1280 px and at 320 px wide, and must not scroll sideways at 320 px.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.factories import make_category, make_locality, make_skill
from tests.helpers import link_in, outbox
from volunteer_hub.extensions import db

pytestmark = pytest.mark.browser

PASSWORD = "plum kettle harbour"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
ERROR_TITLE = re.compile(r"^Error: ")
FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex='0']"
SIGN_UP_ERRORS = (
    "Enter your name",
    "Enter your email address",
    "Enter a password",
    "Enter your postcode",
    "You must agree to the privacy notice",
)


# Checks run on every page -------------------------------------------------------------------


def check_page(page: Page) -> None:
    """axe finds nothing at 1280 px and at 320 px, and nothing scrolls sideways at 320 px."""
    page.wait_for_load_state("load")
    viewport = page.viewport_size or WIDE
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        assert_no_axe_violations(page, f"{page.url} at {size['width']} px")
    assert_no_sideways_scroll(page)
    page.set_viewport_size(viewport)


def assert_no_axe_violations(page: Page, where: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"axe on {where}:\n" + describe(
        results.response["violations"]
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' > '.join(node['target'])}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at {widths[1]} px: {widths}"


# Reading the page ---------------------------------------------------------------------------


def expect_errors(page: Page, *messages: str) -> None:
    """The title says there are errors, and the summary lists `messages` in this order (the
    order of the fields on the page)."""
    expect(page).to_have_title(ERROR_TITLE)
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()  # hub.js moves focus there, as GOV.UK pages do
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("listitem")).to_contain_text(list(messages))


def expect_flash(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(message)


def expect_summary(page: Page, rows: dict[str, str]) -> None:
    """The account page's summary list shows each `term: value`."""
    for term, value in rows.items():
        definition = page.locator(f"dt:text-is('{term}') + dd")
        expect(definition).to_contain_text(value)


def nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def verification_path(email: str) -> str:
    """The path of the link in the verification email, as the volunteer would open it."""
    (message,) = outbox(email)
    db.session.rollback()  # end the read: the server writes next
    return link_in(message)


# Moving with the keyboard -------------------------------------------------------------------


def focused(target: Locator) -> bool:
    return bool(target.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(target):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def key_in(page: Page, target: Locator, text: str) -> None:
    """Tab to a text field and type `text` over what it held (Tab selects a field's text)."""
    tab_to(page, target)
    page.keyboard.type(text)
    expect(target).to_have_value(text)


def choose(page: Page, target: Locator, option: str) -> None:
    """Tab to a drop-down list and type the start of an option's name to choose it."""
    tab_to(page, target)
    page.keyboard.type(option)
    expect(target.locator("option:checked")).to_have_text(re.compile(f"^{option}"))


def tick(page: Page, target: Locator) -> None:
    tab_to(page, target)
    page.keyboard.press("Space")
    expect(target).to_be_checked()


def press_button(page: Page, target: Locator) -> None:
    tab_to(page, target)
    page.keyboard.press("Enter")


def skip_to_main(page: Page) -> None:
    """The skip link is the first thing Tab reaches, and Enter on it focuses the content.

    A page opened at `#main` starts with the content focused already: a form on a page reached
    by the skip link posts back to that address, and a redirect keeps the fragment.
    """
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(page.locator(FOCUSABLE).first).to_have_text("Skip to main content")
    summary = page.locator("[data-error-summary]")
    if summary.count() and focused(summary):
        return  # a form returned with errors starts at its error summary, inside the content
    main = page.get_by_role("main")
    if not focused(main):
        page.keyboard.press("Tab")
        expect(skip_link).to_be_focused()
        expect(skip_link).to_be_in_viewport()
        page.keyboard.press("Enter")
    expect(main).to_be_focused()


# The journeys -------------------------------------------------------------------------------


@pytest.fixture
def reference_lists(db):
    """The areas, kinds of volunteering and skills a volunteer chooses from."""
    make_locality("Edgeley")
    make_locality("Heaton Moor")
    make_category("Parks and green spaces")
    make_skill("First aid")


def test_sign_up_confirm_sign_in_fill_profile_and_sign_out(page: Page, reference_lists):
    """The whole first visit with the mouse, each form first sent empty or wrong."""
    page.goto("/")
    check_page(page)
    page.get_by_role("main").get_by_role("link", name="Sign up to volunteer").click()

    expect(page).to_have_title(re.compile("^Sign up"))
    check_page(page)
    page.get_by_role("button", name="Create account").click()
    expect_errors(page, *SIGN_UP_ERRORS)
    check_page(page)

    page.get_by_label("Full name").fill("Siobhan O'Brien")
    page.get_by_label("Email address").fill("siobhan@example.org")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Postcode").fill("sk13xe")
    page.get_by_label("Area you live in").select_option(label="Edgeley")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_title(re.compile("^Check your email"))
    check_page(page)
    page.get_by_role("button", name="Send the link again").click()
    expect_errors(page, "Enter your email address")
    check_page(page)

    page.goto(verification_path("siobhan@example.org"))
    expect(page).to_have_title(re.compile("^Sign in"))
    expect_flash(page, "your email address is confirmed")
    check_page(page)
    page.get_by_label("Email address").fill("siobhan@example.org")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect_errors(page, "The email address or password is not right")
    check_page(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile("^Your account"))
    expect_flash(page, "Welcome back, Siobhan O'Brien")
    check_page(page)
    page.get_by_role("link", name="Edit your profile").click()

    expect(page).to_have_title(re.compile("^Your volunteer profile"))
    check_page(page)
    page.get_by_label("Phone number (optional)", exact=True).fill("123")
    page.get_by_label("Postcode").fill("XYZ")
    page.get_by_label("Emergency contact's name").fill("Niamh O'Brien")
    page.get_by_role("button", name="Save profile").click()
    expect_errors(
        page,
        "Enter a phone number, like 07700 900 982",
        "Enter a real UK postcode",
        "Enter a phone number for your emergency contact",
    )
    expect(page.get_by_label("Postcode")).to_have_value("XYZ")
    check_page(page)

    page.get_by_label("Phone number (optional)", exact=True).fill("07700 900982")
    page.get_by_label("Postcode").fill("m1 1ae")
    page.get_by_label("Area you live in").select_option(label="Heaton Moor")
    page.get_by_label("Date of birth (optional)").fill("1980-03-31")
    page.get_by_label("Employer (optional)").fill("Stockport Council")
    page.get_by_label("Parks and green spaces").check()
    page.get_by_label("First aid").check()
    page.get_by_label("Monday morning", exact=True).check()
    page.get_by_label("Saturday afternoon", exact=True).check()
    page.get_by_label("Emergency contact's phone number").fill("0161 496 0000")
    page.get_by_label("How they are related to you").fill("Sister")
    page.get_by_label("Text me reminders").check()
    page.get_by_label("Send me the hub's newsletter").check()
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_title(re.compile("^Your account"))
    expect_flash(page, "Your profile has been saved.")
    expect_summary(
        page,
        {
            "Phone": "07700 900982",
            "Postcode": "M1 1AE",
            "Area": "Heaton Moor",
            "Date of birth": "31 March 1980",
            "Skills": "First aid",
            "Interests": "Parks and green spaces",
            "Usually free": "2 of 21",
            "Emergency contact": "Niamh O'Brien (Sister), 0161 496 0000",
            "Newsletter": "Yes",
        },
    )
    check_page(page)
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_title(re.compile("^Riverside Volunteer Hub"))
    expect_flash(page, "You have signed out.")
    expect(nav_link(page, "Sign in")).to_be_visible()
    check_page(page)


def test_the_same_journey_with_the_keyboard_alone(page: Page, reference_lists):
    """Tab, type, Space and Enter only; the skip link comes first on every page and works,
    and the links in each error summary take the focus to the field they name."""
    page.goto("/")
    check_page(page)
    skip_to_main(page)
    press_button(page, page.get_by_role("main").get_by_role("link", name="Sign up to volunteer"))

    expect(page).to_have_title(re.compile("^Sign up"))
    check_page(page)
    skip_to_main(page)
    press_button(page, page.get_by_role("button", name="Create account"))
    expect_errors(page, *SIGN_UP_ERRORS)
    check_page(page)

    skip_to_main(page)
    press_button(page, page.get_by_role("link", name="Enter your name"))
    expect(page.get_by_label("Full name")).to_be_focused()
    page.keyboard.type("Zoë Ní Bhriain")
    key_in(page, page.get_by_label("Email address"), "zoe@example.org")
    key_in(page, page.get_by_label("Create a password"), PASSWORD)
    key_in(page, page.get_by_label("Postcode"), "SK4 4AA")
    choose(page, page.get_by_label("Area you live in"), "Heaton")
    tick(page, page.get_by_label("I have read the privacy notice"))
    press_button(page, page.get_by_role("button", name="Create account"))

    expect(page).to_have_title(re.compile("^Check your email"))
    check_page(page)
    skip_to_main(page)
    press_button(page, page.get_by_role("button", name="Send the link again"))
    expect_errors(page, "Enter your email address")
    check_page(page)

    page.goto(verification_path("zoe@example.org"))  # opening the link in the email
    expect(page).to_have_title(re.compile("^Sign in"))
    check_page(page)
    skip_to_main(page)
    key_in(page, page.get_by_label("Email address"), "zoe@example.org")
    key_in(page, page.get_by_label("Password"), "not my password")
    page.keyboard.press("Enter")
    expect_errors(page, "The email address or password is not right")
    check_page(page)
    skip_to_main(page)
    key_in(page, page.get_by_label("Password"), PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Your account"))
    check_page(page)
    skip_to_main(page)
    press_button(page, page.get_by_role("link", name="Edit your profile"))

    expect(page).to_have_title(re.compile("^Your volunteer profile"))
    check_page(page)
    skip_to_main(page)
    key_in(page, page.get_by_label("Phone number (optional)", exact=True), "123")
    key_in(page, page.get_by_label("Postcode"), "XYZ")
    press_button(page, page.get_by_role("button", name="Save profile"))
    expect_errors(page, "Enter a phone number, like 07700 900 982", "Enter a real UK postcode")
    check_page(page)

    skip_to_main(page)
    key_in(page, page.get_by_label("Phone number (optional)", exact=True), "07700 900123")
    key_in(page, page.get_by_label("Postcode"), "SK4 4AA")
    # Day and month are equal, so the date reads the same whichever order the fields show.
    tab_to(page, page.get_by_label("Date of birth (optional)"))
    page.keyboard.type("03031990")
    expect(page.get_by_label("Date of birth (optional)")).to_have_value("1990-03-03")
    tick(page, page.get_by_label("First aid"))
    tick(page, page.get_by_label("Sunday evening", exact=True))
    key_in(page, page.get_by_label("Emergency contact's name"), "Aoife Ní Bhriain")
    key_in(page, page.get_by_label("Emergency contact's phone number"), "07700 900456")
    tick(page, page.get_by_label("Send me the hub's newsletter"))
    press_button(page, page.get_by_role("button", name="Save profile"))

    expect(page).to_have_title(re.compile("^Your account"))
    expect_flash(page, "Your profile has been saved.")
    expect_summary(
        page,
        {
            "Phone": "07700 900123",
            "Postcode": "SK4 4AA",
            "Area": "Heaton Moor",
            "Date of birth": "3 March 1990",
            "Skills": "First aid",
            "Usually free": "1 of 21",
            "Emergency contact": "Aoife Ní Bhriain, 07700 900456",
            "Newsletter": "Yes",
        },
    )
    check_page(page)
    press_button(page, page.get_by_role("button", name="Sign out"))

    expect(page).to_have_title(re.compile("^Riverside Volunteer Hub"))
    expect_flash(page, "You have signed out.")
    check_page(page)
    skip_to_main(page)
