"""Public pages, the health check, security headers and the production entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "path", ["/", "/signup", "/login", "/privacy", "/accessibility", "/password-reset"]
)
def test_public_pages_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'href="#main"' in response.get_data(as_text=True)


def test_home_invites_people_to_sign_up_or_sign_in(client):
    page = client.get("/").get_data(as_text=True)
    assert "Sign up to volunteer" in page and "Sign in" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path, instance_path):
    broken = make_app(f"sqlite:///{tmp_path}/missing/folder/db.sqlite3", instance_path)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_unknown_pages_get_a_helpful_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_security_headers_are_on_every_page(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_styles_are_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
    with client.get("/bootstrap/static/css/bootstrap.min.css") as css:
        assert css.status_code == 200
    with client.get("/static/css/hub.css") as css:
        assert css.status_code == 200


def run_wsgi(tmp_path: Path, secret: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOLUNTEER_HUB_")}
    env["VOLUNTEER_HUB_SECRET_KEY"] = secret
    env["VOLUNTEER_HUB_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/wsgi.sqlite3"
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_entry_point_refuses_to_start_without_a_secret_key(tmp_path):
    refused = run_wsgi(tmp_path, "")
    assert refused.returncode != 0
    assert "No SECRET_KEY is configured" in refused.stderr
    started = run_wsgi(tmp_path, "a-long-random-production-secret")
    assert started.returncode == 0, started.stderr


def test_a_nul_character_in_any_input_is_refused_with_400(client, db):
    assert client.post("/signup", data={"name": "A\x00B"}).status_code == 400
    assert client.get("/login", query_string={"next": "/\x00"}).status_code == 400
    assert client.post("/login", data={"email\x00": "x"}).status_code == 400


@pytest.mark.parametrize("app", [{"HUB_BASE_URL": "https://hub.example.org"}], indirect=True)
def test_a_hub_served_over_https_sends_hsts(client):
    assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]


def test_the_enhancement_script_is_served_locally(client):
    assert "/static/js/hub.js" in client.get("/").get_data(as_text=True)
    with client.get("/static/js/hub.js") as script:
        assert script.status_code == 200
