"""Browser fixtures: the app served on 127.0.0.1 with CSRF on, and Debian's Chromium.

`live_server` serves its own app (CSRF enabled, as deployed) on the test database in a thread;
the test body still holds the `app` fixture's context, which emptied the tables, for factories
and for reading the outbox. `page` is a fresh browser context for each test, so no cookies
carry over. Chromium is launched once per run; where it is missing the tests skip, except
under `CI=true`, where they fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_app
from volunteer_hub.extensions import db as _db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        reason = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask, database_url: str, instance_path: str) -> Iterator[str]:
    """The base URL of the app, served with CSRF on from the same (cleaned) database."""
    served = make_app(database_url, instance_path, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with served.app_context():
            _db.engine.dispose()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page in a fresh context (no cookies), British locale, 1280 px wide."""
    context = browser.new_context(
        base_url=live_server,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Nothing but the app: any request elsewhere is refused.
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server) else route.abort()
        ),
    )
    try:
        yield page
    finally:
        context.close()
