"""Certificates, in Chromium: a volunteer finds their milestone certificate on /me, downloads
it and the record of their volunteering; anyone checks it by the address in its QR code;
staff revoke it and the check says so; an admin previews the design. Every page visited is
checked with axe-core at 1280 px and at 320 px (`check_page`)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pyzbar import pyzbar

from tests.browser.test_journeys import check_page, expect_flash
from tests.browser.test_roles_journey import new_page, sign_in, titled
from tests.factories import PASSWORD, make_admin, make_hours, make_placement, make_user
from tests.pdfs import page_images, page_text
from volunteer_hub.clock import local_today

pytestmark = pytest.mark.browser
__all__ = ["new_page"]  # the fixture, used by name

VOLUNTEER_EMAIL = "tomasz@example.org"
ADMIN_EMAIL = "ada@hub.example"


@pytest.fixture
def volunteer_with_a_milestone(db) -> None:
    volunteer = make_user(name="Tomasz Nowak", email=VOLUNTEER_EMAIL)
    placement = make_placement(volunteer=volunteer)
    for days_ago in (20, 13, 6):
        make_hours(placement, local_today() - timedelta(days=days_ago), 96, status="approved")
    make_admin(name="Ada Admin", email=ADMIN_EMAIL)


def download(page: Page, role: str, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role(role, name=name).click()  # type: ignore[arg-type]
    return Path(info.value.path()).read_bytes()


def test_find_download_check_and_revoke_a_certificate(new_page, volunteer_with_a_milestone):
    page = new_page()
    page.goto("/login")
    sign_in(page, VOLUNTEER_EMAIL, PASSWORD)
    page.goto("/me")
    check_page(page)
    expect(page.get_by_role("table", name="Your newest certificates")).to_contain_text(
        "50 hours of volunteering"
    )
    page.get_by_role("link", name="All your certificates").click()
    titled(page, "Your certificates")
    check_page(page)
    pdf = download(page, "link", "Download 50 hours of volunteering")
    assert "Tomasz Nowak" in page_text(pdf)[0]
    (qr,) = [image for image in page_images(pdf) if image.startswith(b"\x89PNG")]
    address = pyzbar.decode(Image.open(io.BytesIO(qr)))[0].data.decode()
    record = download(page, "button", "Download your record of volunteering (PDF)")
    assert "72 hours" in "\n".join(page_text(record))

    public = new_page()  # anyone, not signed in, following the QR code
    public.goto(urlsplit(address).path)
    titled(public, "Certificate checked")
    expect(public.get_by_role("heading", level=1)).to_have_text("This certificate is genuine")
    expect(public.locator("main")).to_contain_text("Tomasz Nowak")
    check_page(public)

    admin = new_page()
    admin.goto("/login")
    sign_in(admin, ADMIN_EMAIL, PASSWORD)
    admin.goto(urlsplit(address).path)
    admin.get_by_role("button", name="Revoke the certificate").click()
    titled(admin, "Error: ")
    check_page(admin)
    admin.get_by_label("Why is it revoked?").fill("Hours were logged twice")
    admin.get_by_role("button", name="Revoke the certificate").click()
    expect_flash(admin, "The certificate is revoked")
    check_page(admin)
    public.reload()
    expect(public.get_by_role("heading", level=1)).to_have_text("This certificate was revoked")
    expect(public.locator("main")).to_contain_text("Hours were logged twice")
    check_page(public)

    admin.goto("/staff/certificates")
    check_page(admin)
    admin.get_by_role("link", name="Certificate design").click()
    titled(admin, "Certificate design")
    expect(admin.get_by_role("button", name="Preview a certificate")).to_be_visible()
