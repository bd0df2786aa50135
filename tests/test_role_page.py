"""The role page, `/roles/<slug>`: who sees which roles, what it tells a volunteer, the
organisation card, share links, the JSON-LD, the call to action, inert Markdown, and a query
count that stays flat as the data grows."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any
from urllib.parse import quote, unquote

import pytest
from flask.testing import FlaskClient

from tests.factories import (
    make_category,
    make_locality,
    make_organisation,
    make_role,
    make_skill,
    make_staff,
    make_user,
)
from tests.test_search import add_organisations_and_roles, count_statements
from volunteer_hub.extensions import db
from volunteer_hub.reference.models import Concept
from volunteer_hub.roles.models import Role, RoleStatus

NS = "https://ns.volunteeringdata.io/"
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def sign_in(client: FlaskClient, user: Any) -> FlaskClient:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def concept(scheme: str, name: str, label: str) -> Concept:
    item = Concept(scheme=scheme, iri=f"{NS}{name}", label=label)
    db.session.add(item)
    return item


@pytest.fixture
def people(db):
    coordinator, colleague = make_user(name="Cora"), make_user(name="Colin")
    organisation = make_organisation(
        name="Reddish Community Library",
        manager=coordinator,
        coordinators=(colleague,),
        contact_email="volunteers@reddish-library.example",
        contact_phone="+441614960123",
        website="https://reddish-library.example",
    )
    outsider = make_user(name="Otto")
    make_organisation(manager=outsider)
    return {
        "organisation": organisation,
        "anonymous": None,
        "volunteer": make_user(name="Val"),
        "coordinator": coordinator,
        "colleague": colleague,
        "other coordinator": outsider,
        "staff": make_staff(),
    }


def get_as(client: FlaskClient, user: Any, url: str) -> Any:
    if user is not None:
        sign_in(client, user)
    return client.get(url)


# --- Who sees what -------------------------------------------------------------------------------

INSIDERS = ("coordinator", "colleague", "staff")
OUTSIDERS = ("anonymous", "volunteer", "other coordinator")


@pytest.mark.parametrize("status", list(RoleStatus))
@pytest.mark.parametrize("kind", INSIDERS + OUTSIDERS)
def test_visibility_by_status_and_kind_of_user(app, people, status, kind):
    role = make_role(people["organisation"], title="Shelver", status=status)
    client = app.test_client()
    response = get_as(client, people[kind], f"/roles/{role.slug}")
    if status == RoleStatus.PUBLISHED:
        assert response.status_code == 200
        assert "This role is not published" not in response.get_data(as_text=True)
    elif kind in INSIDERS:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "This role is not published" in page
        assert role.status_label.lower() in page
        assert not LD_SCRIPT.search(page)
    else:
        assert response.status_code == 404
        assert "Shelver" not in response.get_data(as_text=True)


@pytest.mark.parametrize("org_status", ["pending", "declined", "suspended"])
def test_a_published_role_of_an_unapproved_organisation_is_hidden_from_the_public(
    app, people, org_status
):
    organisation = make_organisation(status=org_status, manager=make_user(name="Una"))
    role = make_role(organisation, title="Left behind")
    assert app.test_client().get(f"/roles/{role.slug}").status_code == 404
    volunteer_view = get_as(app.test_client(), people["volunteer"], f"/roles/{role.slug}")
    assert volunteer_view.status_code == 404
    member = organisation.memberships[0].user
    page = get_as(app.test_client(), member, f"/roles/{role.slug}").get_data(as_text=True)
    assert "This role is not published" in page


def test_an_unknown_role_is_404(client, db):
    assert client.get("/roles/no-such-role").status_code == 404


# --- What the page tells a volunteer -------------------------------------------------------------


@pytest.fixture
def full_role(people):
    role = make_role(
        people["organisation"],
        title="Home library driver",
        summary="Take books to people who cannot get to the library.",
        description="## What you will do\n\nDrive the **van** to readers' homes.",
        category=make_category("Community libraries"),
        locality=make_locality("Reddish"),
        address="Reddish Library\nGorton Road",
        postcode="SK5 6UG",
        attendance="hybrid",
        commitment="regular",
        commitment_text="3 hours a week",
        periods=("saturday-morning", "monday-afternoon"),
        starts_on=date(2030, 4, 1),
        ends_on=date(2030, 9, 30),
        apply_by=date(2030, 3, 15),
        places=3,
        minimum_age=18,
        dbs_level="enhanced-barred-adults",
        accessibility_notes="The van has a ramp.",
        groups_welcome=True,
        max_group_size=4,
    )
    role.skills = [make_skill("Driving")]
    role.concepts = [
        concept("requirement", "DBSCheck", "DBS Check"),
        concept("reward", "TestTrainingProvided", "Training provided"),
        concept("accessibility", "PhysicalAccessibility", "Physical accessibility"),
        concept("cause", "AntiPoverty", "Anti-Poverty"),
    ]
    people["organisation"].causes = [concept("cause", "TestLiteracy", "Literacy")]
    db.session.commit()
    return role


def test_the_page_shows_everything_a_volunteer_needs(client, full_role):
    page = client.get(f"/roles/{full_role.slug}").get_data(as_text=True)
    for text in (
        "Home library driver",
        "Take books to people who cannot get to the library.",
        "<h2>What you will do</h2>",
        "<strong>van</strong>",
        "Regular: 3 hours a week",
        "Monday afternoon, Saturday morning",
        "From 1 April 2030 to 30 September 2030",
        "Partly from home, partly at:",
        "Gorton Road",
        "SK5 6UG",
        "You need to be 18 or over.",
        "check at this level: enhanced with adults&#39; barred list.",
        "DBS Check",
        "Driving",
        "Training provided",
        "Physical accessibility",
        "The van has a ramp.",
        "Groups are welcome, up to 4 people",
        "15 March 2030",
        "3 volunteers",
        "Anti-Poverty",
        "Community libraries",
    ):
        assert text in page, text


def test_the_organisation_card_links_to_its_page(client, full_role):
    page = client.get(f"/roles/{full_role.slug}").get_data(as_text=True)
    organisation = full_role.organisation
    assert f'href="/organisations/{organisation.slug}">Reddish Community Library</a>' in page
    assert "Registered charity" in page
    assert 'href="https://reddish-library.example" rel="nofollow noopener"' in page


def test_a_remote_role_with_no_requirements_says_so_in_plain_words(client, db):
    role = make_role(title="Online befriender", attendance="remote")
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "You can do this role from home (remote)." in page
    assert "Ask the organisation about the minimum age." in page  # none recorded
    assert "You do not need a DBS (criminal record) check." in page
    assert "This role is for individual volunteers." in page
    assert "No closing date" in page
    [session] = json.loads(LD_SCRIPT.findall(page)[0])["activity"][0]["session"]
    assert "location" not in session


# --- Call to action ------------------------------------------------------------------------------


def test_anonymous_people_are_asked_to_sign_in_or_sign_up_and_come_back(client, full_role):
    page = client.get(f"/roles/{full_role.slug}").get_data(as_text=True)
    links = {unquote(href): text for href, text in re.findall(r'href="([^"]+)">([^<]+)</a>', page)}
    assert links[f"/login?next=/roles/{full_role.slug}"] == "Sign in to apply"
    assert links[f"/signup?next=/roles/{full_role.slug}"] == "Create an account"
    assert "volunteers@reddish-library.example" not in page
    assert "coming soon" not in page.lower()


def test_signed_in_people_are_told_how_to_get_in_touch_now(client, people, full_role):
    sign_in(client, people["volunteer"])
    page = client.get(f"/roles/{full_role.slug}").get_data(as_text=True)
    assert 'href="mailto:volunteers@reddish-library.example?subject=Volunteering%3A%20Home' in page
    assert 'href="tel:+441614960123"' in page
    assert "0161 496 0123" in page
    assert "Sign in to apply" not in page
    assert "coming soon" not in page.lower()


def test_after_the_closing_date_the_page_says_it_has_passed(client, people):
    role = make_role(people["organisation"], title="Late", apply_by=date(2020, 1, 1))
    sign_in(client, people["volunteer"])
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "The closing date has passed" in page
    assert "mailto:volunteers@" not in page


# --- Sharing and JSON-LD -------------------------------------------------------------------------


def test_share_links_carry_the_roles_absolute_address(client, full_role):
    page = html.unescape(client.get(f"/roles/{full_role.slug}").get_data(as_text=True))
    url = f"http://localhost/roles/{full_role.slug}"
    encoded = quote(url, safe="")
    assert f"mailto:?subject=Home%20library%20driver&body={quote(url)}" in page
    assert f"https://wa.me/?text=Home+library+driver+{encoded}" in page
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in page
    assert f"https://x.com/intent/tweet?text=Home+library+driver&url={encoded}" in page
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}" in page
    assert f'id="share-url" type="text" value="{url}" readonly' in page


def test_the_json_ld_is_the_data_standards_shape(client, full_role):
    response = client.get(f"/roles/{full_role.slug}")
    page = response.get_data(as_text=True)
    [block] = LD_SCRIPT.findall(page)
    data = json.loads(block)
    url = f"http://localhost/roles/{full_role.slug}"
    assert data["@context"] == "https://api.volunteeringdata.io/context/v1"
    assert data["type"] == "Organisation"
    assert data["name"] == "Reddish Community Library"
    assert data["id"] == f"http://localhost/organisations/{full_role.organisation.slug}"
    assert data["website"] == "https://reddish-library.example"
    assert data["cause"] == [f"{NS}TestLiteracy"]
    [activity] = data["activity"]
    assert activity["title"] == "Home library driver"
    assert activity["publishEndDate"] == "2030-03-15"
    [role] = activity["role"]
    assert role["applyLink"] == url
    assert role["allowsRemoteParticipation"] is True
    assert role["minimumAge"] == "18"
    assert role["commitment"] == "Regular: 3 hours a week"
    assert role["requirement"] == [f"{NS}DBSCheck"]
    assert role["accessibility"] == [f"{NS}PhysicalAccessibility"]
    assert role["skill"] == [full_role.skills[0].iri]
    [session] = activity["session"]
    assert session["time"] == [f"{NS}MondayAfternoon", f"{NS}SaturdayMorning"]
    assert session["location"]["address"] == "Reddish Library\nGorton Road, SK5 6UG"


def test_the_json_ld_cannot_end_its_script_element_and_the_csp_allows_it(client, db):
    """A title holding `</script>` stays inside the JSON (escaped), and the only inline
    script on the page is the JSON-LD data block, which `script-src 'self'` does not run."""
    role = make_role(title="</script><script>alert(1)</script>", summary="<!-- x")
    response = client.get(f"/roles/{role.slug}")
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page
    [block] = LD_SCRIPT.findall(page)
    assert json.loads(block)["activity"][0]["title"] == "</script><script>alert(1)</script>"
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline == [' type="application/ld+json"']
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


# --- Markdown is inert ---------------------------------------------------------------------------

HOSTILE_MARKDOWN = """Hello

<script>alert('a')</script>

<img src=x onerror=alert('b')>

[click me](javascript:alert('c'))

<a href="javascript:alert('d')" onclick="alert('e')">x</a>

[data](data:text/html;base64,PHNjcmlwdD4=)

<iframe src="https://evil.example"></iframe> <style>body{display:none}</style>
"""


def test_hostile_markdown_in_the_description_renders_inert(client, db):
    role = make_role(title="Plain", description=HOSTILE_MARKDOWN)
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, re.I)
    assert not re.search(r"""<a\s[^>]*href\s*=\s*["']?\s*(javascript|data):""", page, re.I)
    assert "<iframe" not in page and "<style" not in page and "<img" not in page
    assert "Hello" in page and "click me" in page


# --- Query count ---------------------------------------------------------------------------------


def enrich(role: Role, size: int, serial: int) -> None:
    role.skills = role.skills + [make_skill() for _ in range(size)]
    role.concepts = role.concepts + [
        concept(scheme, f"Test{scheme}{serial}x{n}", f"{scheme} {n}")
        for scheme in ("requirement", "reward", "accessibility", "cause")
        for n in range(size)
    ]
    db.session.commit()


def test_the_role_page_query_count_stays_flat_as_the_data_doubles(app, people):
    """Among 1,000 roles over 200 organisations, then twice that, with twice the skills and
    concepts on the role: the same statements for anonymous people, volunteers and members."""
    published = make_role(people["organisation"], periods=("monday-morning", "friday-evening"))
    draft = make_role(people["organisation"], status="draft")
    viewers = [(None, published), (people["volunteer"], published), (people["colleague"], draft)]
    add_organisations_and_roles(200, 1000, serial=11)
    enrich(published, 3, 1)
    enrich(draft, 3, 2)
    visits = [(sign_as(app, user), f"/roles/{role.slug}") for user, role in viewers]
    small = [count_statements(client, url) for client, url in visits]
    add_organisations_and_roles(200, 1000, serial=12)
    enrich(db.session.merge(published), 3, 3)
    enrich(db.session.merge(draft), 3, 4)
    large = [count_statements(client, url) for client, url in visits]
    assert small == large
    assert max(large) <= 12, large


def sign_as(app: Any, user: Any) -> FlaskClient:
    client = app.test_client()
    return sign_in(client, user) if user is not None else client
