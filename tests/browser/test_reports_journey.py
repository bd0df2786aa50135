"""The impact report, in Chromium: staff open the overview and choose a period, open the
report, set a date range and a kind of volunteering, read a chart and its table, and download
the table as CSV and the whole report as PDF; a coordinator finds their organisation's report.
Every page visited is checked with axe-core at 1280 px and at 320 px (`check_page`).

The data is `tests.test_reports.world`: in February and March 2026, "Libraries" has 12 verified
hours, 2 in February (£20) and 10 in March (£108, across a change of rate on 15 March).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import check_page
from tests.browser.test_roles_journey import new_page, titled
from tests.factories import PASSWORD
from tests.pdfs import page_text
from tests.test_reports import World, world

pytestmark = pytest.mark.browser
__all__ = ["new_page", "world"]  # fixtures, used by name


def sign_in_as(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    titled(page, "Your account")


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    with open(info.value.path(), "rb") as file:
        return file.read()


def hours_figure(page: Page):  # noqa: ANN201 - a Playwright locator
    """The headline figure of verified hours (the others' notes mention hours too)."""
    return page.locator(".hub-figures li").filter(has_text=re.compile(r"Verified hours$"))


def staff_choose_a_period(page: Page) -> None:
    page.goto("/staff/")
    titled(page, "Staff overview")
    check_page(page)
    page.get_by_label("Figures for").select_option(label="Last financial year")
    page.get_by_role("button", name="Show the figures").click()
    expect(
        page.get_by_role("heading", name=re.compile("1 April 2025 to 31 March 2026"))
    ).to_be_visible()
    expect(hours_figure(page)).to_contain_text("14.5 hours")
    check_page(page)


def staff_read_the_report(page: Page) -> None:
    page.get_by_role("link", name="Impact report").first.click()
    titled(page, "Impact report")
    check_page(page)
    page.get_by_label("From", exact=True).fill("2026-02-01")
    page.get_by_label("To", exact=True).fill("2026-03-31")
    page.get_by_label("Kind of volunteering", exact=True).select_option(label="Libraries")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text("1 February 2026 to 31 March 2026.")).to_be_visible()
    expect(hours_figure(page)).to_contain_text("12 hours")
    chart = page.get_by_role("img", name=re.compile("^Verified hours by month"))
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_have_text(
        "Bar chart, month by month. February 2026: 2 hours; March 2026: 10 hours. "
        "The table gives every figure."
    )
    table = page.get_by_role("table", name="Verified hours by month")
    expect(table.get_by_role("row", name=re.compile("^March 2026"))).to_have_text(
        re.compile(r"March 2026\s*10\s*2\s*£108\.00")
    )
    check_page(page)


def staff_download_the_csv_and_the_pdf(page: Page) -> None:
    data = download(page, "Download “Verified hours by month” (CSV)")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["Month", "Verified hours", "Volunteers", "Social value (£)"],
        ["February 2026", "2", "1", "20.00"],
        ["March 2026", "10", "2", "108.00"],
    ]
    pdf = "\n".join(page_text(download(page, "Download the whole report (PDF)")))
    for words in ("Impact report", "12 hours", "£128", "kind of volunteering: Libraries"):
        assert words in pdf, words


def coordinator_finds_their_report(page: Page, world: World) -> None:
    sign_in_as(page, world.coordinator.email)
    page.goto(f"/org/{world.organisations['O2'].slug}")
    page.get_by_role("link", name="Your impact report").click()
    titled(page, "Impact report: Marple Bakery")
    page.get_by_label("From", exact=True).fill("2026-02-01")
    page.get_by_label("To", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Show the report").click()
    expect(hours_figure(page)).to_contain_text("5 hours")
    check_page(page)


def test_staff_read_and_download_the_impact_report(new_page, world):
    page = new_page()
    sign_in_as(page, world.staff.email)
    staff_choose_a_period(page)
    staff_read_the_report(page)
    staff_download_the_csv_and_the_pdf(page)
    coordinator_finds_their_report(new_page(), world)
