"""`/embed/roles`: the one page other websites may frame, with the search parameters of
`/roles`, showing only published roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.factories import make_category, make_organisation, make_role
from tests.test_feeds import hidden_roles
from tests.test_query_counts import counting_statements
from volunteer_hub.database import utcnow

EMBED = "/embed/roles"


def directives(response: object) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return dict(pairs)


def test_the_embed_may_be_framed_by_any_website(client, db):
    response = client.get(EMBED)

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    policy = directives(response)
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", ["/", "/roles", "/feeds/roles.xml", "/api/v1/roles", "/embed/x"])
def test_no_other_page_may_be_framed(client, db, url):
    response = client.get(url)

    assert response.headers["X-Frame-Options"] == "DENY"
    assert directives(response)["frame-ancestors"] == "'none'"


def test_the_embed_lists_roles_with_links_that_open_the_hub_in_a_new_tab(client, db):
    role = make_role(title="Reading buddy")

    page = client.get(EMBED).get_data(as_text=True)

    assert "Reading buddy" in page
    assert re.search(rf'<a href="/roles/{role.slug}" target="_blank"', page)
    assert '<a href="/roles" target="_blank" rel="noopener">' in page
    assert "See all roles at Riverside Volunteer Hub" in page
    assert "<nav" not in page and "<script" not in page
    assert "Skip to main content" not in page


def test_the_embed_shows_the_ten_newest_and_links_to_the_rest(client, db):
    organisation = make_organisation()
    category = make_category()
    start = utcnow() - timedelta(days=30)
    for number in range(12):
        make_role(
            organisation,
            category=category,
            title=f"Role number {number:02}",
            published_at=start + timedelta(days=number),
        )

    page = client.get(f"{EMBED}?page=2").get_data(as_text=True)

    shown = re.findall(r"Role number (\d\d)", page)
    assert shown == [f"{n:02}" for n in range(11, 1, -1)]
    assert "See all 12 roles at Riverside Volunteer Hub" in page


def test_the_embed_takes_the_search_parameters(client, db):
    library = make_organisation(name="Reddish Library")
    park = make_organisation(name="Friends of Vernon Park")
    make_role(library, title="Reading buddy", periods=("monday-morning",))
    make_role(park, title="Garden helper", attendance="remote")

    by_library = client.get(f"{EMBED}?organisation={library.slug}").get_data(as_text=True)
    remote = client.get(f"{EMBED}?remote=1").get_data(as_text=True)
    keyword = client.get(f"{EMBED}?q=garden").get_data(as_text=True)

    assert "Reading buddy" in by_library and "Garden helper" not in by_library
    assert '<h1 class="h3">Volunteer with Reddish Library</h1>' in by_library
    assert f'href="/roles?organisation={library.slug}"' in by_library
    assert "Garden helper" in remote and "Reading buddy" not in remote
    assert "Garden helper" in keyword and "Reading buddy" not in keyword


def test_an_empty_embed_says_so(client, db):
    page = client.get(f"{EMBED}?organisation=no-such-organisation").get_data(as_text=True)

    assert "There are no roles to show at the moment." in page
    assert '<h1 class="h3">Volunteering roles</h1>' in page


@pytest.mark.parametrize(
    "query",
    [
        "page=-3&remote=yes&period=funday-noon&sort=sideways",
        "q=%22%27--%20OR%201%3D1%20NEAR(%20title%3Ax%20*",
        "organisation=%F0%9F%8D%B0&organisation=a&organisation=b",
        "q=" + "x" * 5000,
    ],
)
def test_malformed_parameters_give_a_page_never_an_error(client, db, query):
    assert client.get(f"{EMBED}?{query}").status_code == 200


def test_only_published_roles_of_approved_organisations_are_shown(client, db):
    hidden = hidden_roles()
    make_role(title="Open role")

    page = client.get(EMBED).get_data(as_text=True)
    by_organisation = client.get(f"{EMBED}?organisation={hidden[0].organisation.slug}")

    assert "Open role" in page
    for role in hidden:
        assert role.title not in page
    assert "Secret" not in by_organisation.get_data(as_text=True)


def test_hostile_titles_are_escaped(client, db):
    make_role(title='<script>alert("x")</script>', summary="<img src=x onerror=alert(1)>")

    page = client.get(EMBED).get_data(as_text=True)

    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_the_embed_sends_the_same_number_of_queries_whatever_the_data(client, db):
    category = make_category()
    counts = []
    for _ in range(2):
        for _ in range(100):
            organisation = make_organisation()
            make_role(organisation, category=category)
            make_role(organisation, category=category)
        db.session.close()
        with counting_statements() as statements:
            assert client.get(EMBED).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts
